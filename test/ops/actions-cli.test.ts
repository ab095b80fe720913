import { expect } from 'chai';
import type { CliIo } from '../../src/cli/command.js';
import { txCancel } from '../../src/cli/commands/tx/tx-cancel.js';
import { txResend } from '../../src/cli/commands/tx/tx-resend.js';
import { txRetry } from '../../src/cli/commands/tx/tx-retry.js';
import { txSettle } from '../../src/cli/commands/tx/tx-settle.js';
import { txActionCommand, type ActionsOpener } from '../../src/cli/commands/tx/tx-action-command.js';
import type { ActionBy, ActionResult, PacketOutcome } from '../../src/ops/ops-actions-service.js';
import { emptySummary } from '../../src/sync/sync-summary.js';

/**
 * `tx retry|resend|settle|cancel`, run directly: usage refusals before anything is opened, the
 * subject, reason and OS user handed to the service, what is printed, and the exit status
 * from what became of the packets (0 done, 75 pending after an outage, 1 refused).
 */
const PACKET = '7d4a3f1e-0b5c-4e8a-9c2d-1f6e5a4b3c2d';

function io(): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (l) => lines.push(l), err: (l) => lines.push(`ERR ${l}`), isTty: false };
}

function opener(packets: PacketOutcome[], calls: unknown[][], opened: boolean[]): ActionsOpener {
  return async (national) => {
    opened.push(national);
    const answer = (action: ActionResult['action']) => async (subject: string, by: ActionBy, reason: string): Promise<ActionResult> => {
      calls.push([action, subject, 'actor' in by ? by.actor.kind : by.kind, reason]);
      const summary = { ...emptySummary(), accepted: packets.filter((p) => p.send === 'sent').length };
      return { action, queued: 1, packets, leftForNextSync: packets.some((p) => p.send === 'outage') ? 1 : 0, summary };
    };
    return {
      service: { retry: answer('retry'), resend: answer('resend'), settle: answer('settle'), cancel: answer('cancel') },
      close: async () => undefined,
    };
  };
}

describe('tx retry, resend, settle, cancel', () => {
  it('are named for the tx registry and say their usage', () => {
    expect([txRetry, txResend, txSettle, txCancel].map((c) => c.name)).to.deep.equal(['retry', 'resend', 'settle', 'cancel']);
    expect(txResend.usage).to.match(/^Usage: csdl-gateway tx resend SO_DINH_DANH --reason TEXT/);
  });

  it('refuse a missing subject or reason as bad usage (exit 2), opening nothing', async () => {
    const opened: boolean[] = [];
    const cmd = txActionCommand({ action: 'retry', summary: '', subject: 'PACKET_ID', description: '' }, opener([], [], opened));
    for (const argv of [['--reason', 'x'], [PACKET], [PACKET, '--reason', '   '], [PACKET, PACKET, '--reason', 'x']]) {
      const err = await cmd.run(argv, io()).catch((e: unknown) => e);
      expect(err, argv.join(' ')).to.include({ code: 'cli.usage' });
    }
    expect(opened).to.deep.equal([]);
  });

  it('retry: hands the packet, the reason and the OS user to the service, prints each packet, exits 0', async () => {
    const calls: unknown[][] = [];
    const opened: boolean[] = [];
    const out = io();
    const cmd = txActionCommand({ action: 'retry', summary: '', subject: 'PACKET_ID', description: '' }, opener([{ packetId: PACKET, send: 'sent', receipt: 'landed' }], calls, opened));
    expect(await cmd.run([PACKET, '--reason', 'NDXP back'], out)).to.equal(0);
    expect(calls).to.deep.equal([['retry', PACKET, 'cli', 'NDXP back']]);
    expect(opened).to.deep.equal([true]);
    expect(out.lines).to.include(`packet ${PACKET}: sent, receipt landed`);
  });

  it('exits 75 when a packet stays pending after an outage, 1 when one was refused; --json prints the result', async () => {
    const spec = { action: 'resend' as const, summary: '', subject: 'SO_DINH_DANH', description: '' };
    const pending = io();
    expect(await txActionCommand(spec, opener([{ packetId: PACKET, send: 'outage' }], [], [])).run(['026185001234', '--reason', 'lost', '--json'], pending)).to.equal(75);
    expect(JSON.parse(pending.lines[0]!)).to.deep.include({ action: 'resend', leftForNextSync: 1 });
    expect(await txActionCommand(spec, opener([{ packetId: PACKET, send: 'failed' }], [], [])).run(['026185001234', '--reason', 'lost'], io())).to.equal(1);
  });

  it('settle and cancel open no national side', async () => {
    const opened: boolean[] = [];
    for (const action of ['settle', 'cancel'] as const) {
      await txActionCommand({ action, summary: '', subject: 'ID', description: '' }, opener([], [], opened)).run(['42', '--reason', 'handled'], io());
    }
    expect(opened).to.deep.equal([false, false]);
  });
});
