import { expect } from 'chai';
import { createPullCommand } from '../../src/cli/commands/pull-command.js';
import { createTransfersCommand } from '../../src/cli/commands/transfers-command.js';
import type { CliIo } from '../../src/cli/command.js';
import { runCli } from '../../src/cli/run-cli.js';
import { loadConfig } from '../../src/config/config.js';
import { parseTrustAnchors } from '../../src/signing/trust-anchors.js';
import type { TransferCommandDeps } from '../../src/compose/transfer-edges.js';
import { exampleOfficial } from '../contract/contract-examples.js';
import { CLOSED_UNIT, startTransferWorld, transferee, UNIT, type TransferWorld } from './transfer-harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- JSON output is read back as known JSON */
/**
 * `csdl-gateway pull` and `csdl-gateway transfers` in process, with their edges injected: the
 * test's databases, the simulator, and a memory audit log (the real one is src/audit's).
 */
describe('CLI: pull and transfers', function () {
  this.timeout(120_000);
  let w: TransferWorld;
  let fetched = 0;
  let commands: ReturnType<typeof createPullCommand>[];

  before(async function () {
    w = await startTransferWorld('pglite', { today: () => '2026-02-10' });
    const deps: TransferCommandDeps = {
      loadConfig: () => loadConfig({}),
      openEdges: async () => ({
        store: w.store.db, source: w.source.db, signer: undefined,
        national: { pullOfficial: (s, o) => ((fetched += 1), w.client.pullOfficial(s, o)) },
        trustAnchors: parseTrustAnchors(w.sim.pki.trustAnchorsPem), close: async () => undefined,
      }),
      openAudit: async () => w.audit,
      actorName: () => 'hanh',
      today: () => '2026-02-10',
    };
    commands = [createPullCommand(deps), createTransfersCommand(deps)];
  });
  after(async function () {
    await w?.close();
  });

  async function run(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), isTty: false };
    const code = await runCli(argv, commands, io);
    return { code, out, err };
  }

  it('stages a transferee and says what it staged, with the deadline', async function () {
    await w.hold(transferee(900));
    const r = await run('pull', '026185000900', '--unit', UNIT, '--decision-no', '7/QĐ-UBND', '--decision-date', '2026-02-09');
    expect(r.code, r.err.join('\n')).to.equal(0);
    expect(r.out[0]).to.match(/^staged: qlcb\.tiep_nhan_chuyen_den id \d+ \(new row, CHO_TIEP_NHAN\) for unit 000\.01\.07\.H62, record received as json$/);
    expect(r.out[1]).to.match(/deadline 2026-03-02 \(9 working days left\); decision 7\/QĐ-UBND, effective 2026-02-09; pulls 1$/);
    expect(r.out[2]).to.equal('warnings (1): the receiving unit should review these fields');
    expect(r.out[3]).to.match(/ngay_vao_co_quan.*mapping\.date_partial|mapping\.date_partial.*ngay_vao_co_quan/);
    const json = await run('pull', '026185000900', '--unit', UNIT, '--json');
    expect(JSON.parse(json.out.join('\n')).staged).to.deep.include({ refreshed: true, format: 'json' });
    expect(w.audit.entries.at(-1)).to.deep.include({ actor: { kind: 'cli', name: 'hanh' }, action: 'transfer.pull', outcome: 'ok' });
  });

  it('exits 2 with the code on bad input, before fetching anything', async function () {
    const before = fetched;
    for (const [argv, code] of [
      [['pull', '12345678901', '--unit', UNIT], 'transfer.bad_identity'],
      [['pull', '026185000901', '--unit', '000.99.99.H62'], 'transfer.unit_unknown'],
      [['pull', '026185000901', '--unit', CLOSED_UNIT], 'transfer.unit_closed'],
      [['pull', '026185000901', '--unit', UNIT, '--decision-date', '9/2/2026'], 'transfer.bad_decision'],
    ] as [string[], string][]) {
      const r = await run(...argv);
      expect([r.code, r.err.join(' ')], code).to.satisfy(([c, e]: [number, string]) => c === 2 && e.includes(code));
    }
    expect((await run('pull', '026185000901')).code).to.equal(2);
    expect(fetched).to.equal(before);
  });

  it('exits 1 for ALREADY_ACTIVE unless --force, and for a person the national side does not hold', async function () {
    await w.hold(exampleOfficial());
    const active = await run('pull', '026185001234', '--unit', UNIT);
    expect(active.code).to.equal(1);
    expect(active.err[0]).to.include('transfer.already_active');
    expect((await run('pull', '026185001234', '--unit', UNIT, '--force')).code).to.equal(0);
    const missing = await run('pull', '026185000999', '--unit', UNIT);
    expect([missing.code, missing.err[0]?.includes('transfer.not_found')]).to.deep.equal([1, true]);
  });

  it('lists the transfers, the overdue ones, as a table or JSON', async function () {
    const table = await run('transfers');
    expect(table.code).to.equal(0);
    expect(table.out[0]).to.match(/^id +status +unit +số định danh +decision +deadline +days left$/);
    expect(table.out.slice(1).map((l) => l.split(/ {2,}/)[1])).to.deep.equal(['failed', 'staged', 'staged']);
    const json = JSON.parse((await run('transfers', '--json')).out.join('\n'));
    expect(json.map((t: any) => t.soDinhDanh)).to.deep.equal(['026185000999', '026185001234', '026185000900']);
    expect(JSON.parse((await run('transfers', '--overdue', '--json')).out.join('\n'))).to.deep.equal([]);
    expect(w.audit.entries.at(-1)).to.deep.include({ actor: { kind: 'cli', name: 'hanh' }, action: 'transfer.list', outcome: 'ok', people: [] });
  });
});
