import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { CliIo } from '../../src/cli/command.js';
import { createTxCommand } from '../../src/cli/commands/tx-command.js';
import { runCli } from '../../src/cli/run-cli.js';
import type { SyncWorld } from '../sync/sync-harness.js';
import { memoryAuditLog, type MemoryAuditLog } from '../setup/memory-audit-log.js';
import { ONE, SIX, startOpsWorld } from './ops-world.js';

/**
 * `csdl-gateway tx` over a store filled by real syncs (ops-world.ts), run in process with the
 * store and an in-memory audit log injected: the --json shapes operators script against, the
 * tables, exit codes, and one audit entry per read as the OS user.
 */
interface Run {
  code: number;
  out: string[];
  err: string[];
}

/* eslint-disable @typescript-eslint/no-explicit-any -- CLI output is known JSON */
describe('tx command over a store filled by real syncs (postgres)', function () {
  this.timeout(90_000);
  let w: SyncWorld;
  let failedPacket: string;
  let audit: MemoryAuditLog;
  let opened = 0;

  before(async function () {
    ({ w, failedPacket } = await startOpsWorld());
    audit = memoryAuditLog();
  });
  after(async function () {
    await w?.close();
  });

  async function tx(args: string[], isTty = false): Promise<Run> {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), isTty };
    const command = createTxCommand({
      openStore: async () => {
        opened += 1;
        return { db: w.store.db, close: async () => undefined };
      },
      openAudit: async () => ({ append: (e) => audit.append(e), close: async () => undefined }),
      user: () => 'lan.nguyen',
      openSource: async () => ({ db: w.source.db, close: async () => undefined }),
      mapping: () => w.mapping,
    });
    const code = await runCli(['tx', ...args], [command], io);
    return { code, out, err };
  }

  it('tx records --state invalid --json: an array of items with soDinhDanh, vendorId, state, approvedAt, errors', async function () {
    const run = await tx(['records', '--state', 'invalid', '--json']);
    expect(run.code).to.equal(0);
    const items = JSON.parse(run.out.join('\n'));
    expect(items).to.be.an('array').with.length(1);
    expect(items[0]).to.include({ vendorId: '12', state: 'invalid' });
    expect(items[0]).to.include.keys('soDinhDanh', 'approvedAt', 'errors');
    expect(items[0].errors.length).to.be.greaterThan(0);
    for (const e of items[0].errors) expect(e).to.have.keys('code', 'path', 'message');
    const entry = audit.entries.at(-1)!;
    expect(entry).to.deep.include({ actor: { kind: 'cli', name: 'lan.nguyen' }, action: 'ops.records.list', outcome: 'ok' });
  });

  it('tx summary --json: packets, records, failingByCode, oldestUnsentApproval', async function () {
    const run = await tx(['summary', '--json']);
    const s = JSON.parse(run.out.join('\n'));
    expect(s).to.include.keys('packets', 'records', 'failingByCode', 'oldestUnsentApproval');
    expect(s.packets).to.deep.equal({ done: 1, failed: 1 });
    expect(s.failingByCode.DUPLICATE_IDENTITY).to.equal(1);
    const text = await tx(['summary']);
    expect(text.out[0]).to.equal('packets:   done 1, failed 1');
    expect(text.out[2]).to.match(/^failing: {3}2 \(.*DUPLICATE_IDENTITY 1/);
  });

  it('tx records as a table: header, one row per version, errors by code and path, no colour off a terminal', async function () {
    const run = await tx(['records', '--code', 'DUPLICATE_IDENTITY']);
    expect(run.out[0]).to.match(/^id +số định danh +vendor +state +approved +unit +errors$/);
    expect(run.out[1]).to.contain(SIX).and.contain('rejected').and.contain('DUPLICATE_IDENTITY /soDinhDanh');
    expect(run.out.join('')).not.to.contain('\u001b[');
    const tty = await tx(['records', '--code', 'DUPLICATE_IDENTITY'], true);
    expect(tty.out[1]).to.contain('\u001b[31mrejected');
  });

  it('tx packets --state failed --json, tx show ID --json: attempts, receipt, records', async function () {
    const list = JSON.parse((await tx(['packets', '--state', 'failed', '--json'])).out.join('\n'));
    expect(list.map((p: any) => p.packetId)).to.deep.equal([failedPacket]);
    const show = JSON.parse((await tx(['show', failedPacket, '--json'])).out.join('\n'));
    expect(show.header.packetId).to.equal(failedPacket);
    expect(show.receipt.status).to.equal('failed');
    expect(show.attempts.map((a: any) => a.operation)).to.include('push');
    expect(show.records).to.deep.equal([{ soDinhDanh: ONE, approvedAt: show.records[0].approvedAt, result: null, errors: [], versionId: show.records[0].versionId, state: 'queued' }]);
    const text = await tx(['show', failedPacket]);
    expect(text.out[0]).to.match(new RegExp(`^packet ${failedPacket}: failed`));
    expect(text.out).to.include('attempts:');
  });

  it('tx envelope ID --out FILE writes the stored bytes, readable by the owner only', async function () {
    const dir = mkdtempSync(join(tmpdir(), 'tx-envelope-'));
    try {
      const file = join(dir, 'envelope.json');
      const run = await tx(['envelope', failedPacket, '--out', file]);
      expect(run.code).to.equal(0);
      const stored = await w.store.db.query<{ envelope: Buffer }>('SELECT envelope FROM csdl_gateway.packets WHERE packet_id = $1', [failedPacket]);
      expect(readFileSync(file).equals(stored.rows[0]!.envelope)).to.equal(true);
      expect(statSync(file).mode & 0o777).to.equal(0o600);
      expect(audit.entries.at(-1)).to.deep.include({ action: 'ops.packet.envelope', packetId: failedPacket, people: [ONE] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('tx person SO --json: each version with its outcome', async function () {
    const p = JSON.parse((await tx(['person', SIX, '--json'])).out.join('\n')).people[0];
    expect(p.versions.map((v: any) => [v.state, v.outcome])).to.deep.equal([['rejected', 'rejected by the national side: DUPLICATE_IDENTITY']]);
  });

  it('tx show and tx envelope take a unique prefix of a packet id, as git takes a commit id', async function () {
    const run = await tx(['show', failedPacket.slice(0, 8), '--json']);
    expect(run.code, run.err.join('\n')).to.equal(0);
    expect(JSON.parse(run.out.join('\n')).packetId).to.equal(failedPacket);
    const short = await tx(['show', failedPacket.slice(0, 3)]);
    expect(short.code).to.equal(2);
    expect(short.err[0]).to.contain('at least 4 characters');
  });

  it('bad usage exits 2 before opening the store; an unknown packet exits 1 with its code', async function () {
    const before = opened;
    for (const args of [[], ['nothing'], ['show', 'not-a-uuid'], ['person', '123'], ['records', '--state', 'lost'], ['records', '--page-size', '501'], ['envelope', failedPacket]]) {
      const run = await tx(args);
      expect(run.code, args.join(' ')).to.equal(2);
    }
    expect(opened).to.equal(before);
    const missing = await tx(['show', '7f1c1b8e-0000-4000-8000-000000000000']);
    expect(missing.code).to.equal(1);
    expect(missing.err[0]).to.contain('outbox.packet_not_found');
  });
});
