import { expect } from 'chai';
import { PULL_STEPS } from '../../src/transfer/transfer-service.js';
import { startCli, type CliExit } from '../setup/cli-process.js';
import { startCliWorld, type CliWorld } from '../sync/cli-world.js';
import { transferee, UNIT } from '../transfer/transfer-harness.js';

/**
 * SIGKILL at each step of a pull: the built CLI (`node dist/cli/index.js pull`) on real
 * PostgreSQL (store and provincial database), the simulator, and the real audit log. Each pull
 * is killed by the process itself once the named step has committed
 * (CSDL_GATEWAY_TEST_KILL_AT, compose/transfer-edges.ts; tests only). Then `transfers` starts,
 * which recovers, and: no transfer is left `requested`; every staged row has its transfer and
 * its `transfer.pull` entry; every entry has its change (a transfer per `transfer.request`, the
 * status each `transfer.pull` outcome says); `audit verify` passes. Then each person can be
 * pulled again. Run `npm run build` first when running this file alone.
 */
describe('pull killed with SIGKILL at each step, then recovered', function () {
  this.timeout(240_000);
  let world: CliWorld;

  before(async function () {
    world = await startCliWorld();
  });
  after(async function () {
    await world?.close();
  });

  function cli(args: string[], env: Record<string, string> = {}): Promise<CliExit> {
    return startCli(args, { ...world.env, ...env }).exit;
  }

  async function hold(serial: number): Promise<string> {
    const data = transferee(serial);
    await world.sim.simulator.seedOfficial({
      soDinhDanh: data.soDinhDanh, record: data, approvedAt: '2026-01-05T08:00:00+07:00', sender: '000.00.00.H26', archived: false, migrated: false,
    });
    return data.soDinhDanh as string;
  }

  async function rows<T>(sql: string, on: 'store' | 'source' = 'store'): Promise<T[]> {
    return (await world[on].db.query(sql)).rows as T[];
  }

  /** Every invariant of a pull's records; returns counts for the report. */
  async function checkInvariants(): Promise<{ staged: number; transfers: number; entries: number }> {
    const transfers = await rows<{ id: string; so_dinh_danh: string; status: string; staging_id: string | null; pulls: number }>(
      'SELECT id::text, so_dinh_danh, status, staging_id::text, pulls FROM csdl_gateway.transfers ORDER BY id');
    const staged = await rows<{ id: string; so_cccd: string }>('SELECT id::text, so_cccd FROM qlcb.tiep_nhan_chuyen_den ORDER BY id', 'source');
    const entries = await rows<{ action: string; people: string[]; outcome: string; code: string | null }>(
      `SELECT action, people, outcome, code FROM csdl_gateway.audit_log WHERE action LIKE 'transfer.%' ORDER BY seq`);
    expect(transfers.filter((t) => t.status === 'requested'), 'transfers left requested').to.deep.equal([]);
    for (const row of staged) {
      const t = transfers.find((x) => x.staging_id === row.id);
      expect(t, `staged row ${row.id} has its transfer`).to.not.equal(undefined);
      expect(entries.some((e) => e.action === 'transfer.pull' && e.outcome === 'ok' && e.people.includes(row.so_cccd)), `staged row ${row.id} has its entry`).to.equal(true);
    }
    for (const t of transfers) {
      const mine = entries.filter((e) => e.people.includes(t.so_dinh_danh));
      expect(mine.filter((e) => e.action === 'transfer.request').length, `transfer ${t.id}: one request entry per pull`).to.equal(t.pulls);
      const ends = mine.filter((e) => e.action === 'transfer.pull');
      expect(ends.length, `transfer ${t.id}: one end entry per pull`).to.equal(t.pulls);
      const last = ends.at(-1);
      expect([t.status, last?.outcome], `transfer ${t.id}: its last entry says its status`).to.deep.equal(
        t.status === 'staged' ? ['staged', 'ok'] : ['failed', 'error']);
      if (t.status === 'staged') expect(staged.some((r) => r.id === t.staging_id), `transfer ${t.id}: its staged row exists`).to.equal(true);
    }
    for (const e of entries) {
      expect(transfers.some((t) => e.people.includes(t.so_dinh_danh)), `entry ${e.action} has its transfer`).to.equal(true);
    }
    const verify = await cli(['audit', 'verify']);
    expect(verify.code, verify.stdout + verify.stderr).to.equal(0);
    return { staged: staged.length, transfers: transfers.length, entries: entries.length };
  }

  it('leaves, after a kill at every step and a restart, every row with its transfer and entry, every entry with its change', async function () {
    const people: Record<string, string> = {};
    let serial = 500;
    for (const step of PULL_STEPS) {
      serial += 1;
      const person = await hold(serial);
      people[step] = person;
      const killed = await cli(['pull', person, '--unit', UNIT], { CSDL_GATEWAY_TEST_KILL_AT: step });
      expect(killed.signal, `pull killed at ${step}`).to.equal('SIGKILL');
      // Killed: its transfer is left as the step left it (the next command's start-up recovers it).
      const [left] = await rows<{ status: string }>(`SELECT status FROM csdl_gateway.transfers WHERE so_dinh_danh = '${person}'`);
      expect(left?.status, `after a kill at ${step}`).to.equal(step === 'finished' ? 'staged' : 'requested');
    }
    // The restart: any command that opens the transfers recovers first.
    const listed = await cli(['transfers', '--json']);
    expect(listed.code, listed.stderr).to.equal(0);
    const status = Object.fromEntries((await rows<{ so_dinh_danh: string; status: string; error_code: string | null }>(
      'SELECT so_dinh_danh, status, error_code FROM csdl_gateway.transfers')).map((t) => [t.so_dinh_danh, [t.status, t.error_code]]));
    expect(PULL_STEPS.map((s) => status[people[s] as string])).to.deep.equal([
      ['failed', 'transfer.interrupted'], ['failed', 'transfer.interrupted'], ['staged', null], ['staged', null],
    ]);
    const counts = await checkInvariants();
    console.log(`      kill points: ${PULL_STEPS.length} (${PULL_STEPS.join(', ')}); after recovery: ${counts.transfers} transfers, ${counts.staged} staged rows, ${counts.entries} transfer entries, 0 without their change`);
    // Every person can be pulled again; the invariants still hold.
    for (const step of PULL_STEPS) {
      const again = await cli(['pull', people[step] as string, '--unit', UNIT]);
      expect(again.code, again.stderr).to.equal(0);
    }
    await checkInvariants();
  });
});
