import { expect } from 'chai';
import { startMergedWorld, type MergedWorld } from './merged-world.js';

/** The số định danh of each person approved in a source (qlcb: so_cccd; nhansu: citizen_id, separators dropped). */
async function approvedIds(w: MergedWorld): Promise<{ a: Set<string>; b: Set<string> }> {
  const a = await w.qlcb.db.query<{ id: string }>(
    `SELECT c.so_cccd AS id FROM qlcb.can_bo c
      WHERE (SELECT p.trang_thai FROM qlcb.phe_duyet p WHERE p.can_bo_id = c.id ORDER BY p.id DESC LIMIT 1) = 'DA_DUYET'`);
  const b = await w.nhansu.db.query<{ id: string }>(
    `SELECT regexp_replace(e.citizen_id, '[^0-9]', '', 'g') AS id FROM nhansu.employee e
      WHERE NOT e.is_deleted AND (SELECT r.outcome FROM nhansu.record_review r WHERE r.emp_id = e.emp_id ORDER BY r.rec_id DESC LIMIT 1) = 'A'`);
  return { a: new Set(a.rows.map((r) => r.id)), b: new Set(b.rows.map((r) => r.id)) };
}

async function acceptances(w: MergedWorld): Promise<Map<string, number>> {
  const res = await w.ledger.db.query<{ so_dinh_danh: string; n: number }>('SELECT so_dinh_danh, count(*)::int AS n FROM csdl_simulator.acceptances GROUP BY 1');
  return new Map(res.rows.map((r) => [r.so_dinh_danh, r.n]));
}

describe('merged province: one sync over two provincial databases (qlcb and nhansu, real PostgreSQL)', function () {
  this.timeout(300_000);
  let w: MergedWorld;
  let ids: { a: Set<string>; b: Set<string> };
  let both: string[];

  before(async function () {
    w = await startMergedWorld(12);
    // Keep four of nhansu's people: two also approved in qlcb (the conflicts), two its own.
    const all = await w.nhansu.db.query<{ emp_id: number }>('SELECT emp_id FROM nhansu.employee ORDER BY emp_id');
    const empIds = all.rows.map((r) => r.emp_id);
    ids = await approvedIds(w);
    both = [...ids.a].filter((x) => ids.b.has(x));
    expect(both.length, 'the same seed gives the same people in both vendors').to.be.greaterThan(4);
    await w.nhansu.db.query(`UPDATE nhansu.employee SET is_deleted = true WHERE emp_id = ANY($1::int[])`, [empIds.slice(6)]);
    ids = await approvedIds(w);
    both = [...ids.a].filter((x) => ids.b.has(x));
  });
  after(async function () {
    await w?.close();
  });

  it('sends every person one source approves, once, and holds the people both approve as conflicts (exit 0)', async function () {
    expect(both.length).to.be.greaterThan(0);
    const run = await w.cli(['sync', '--json']);
    expect(run.code, run.stderr).to.equal(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.conflicts).to.equal(both.length);
    const accepted = await acceptances(w);
    for (const x of both) expect(accepted.has(x), `a person in both sources (${x.slice(0, 3)}…) is not sent`).to.equal(false);
    const onlyOne = [...ids.a, ...ids.b].filter((x) => !both.includes(x));
    for (const x of onlyOne) expect(accepted.get(x), 'each person of one source accepted once').to.equal(1);
    const conflicts = await w.store.db.query<{ so_dinh_danh: string; sides: { source: string; approvedAt: string }[]; fields: string[] | null }>(
      'SELECT so_dinh_danh, sides, fields FROM csdl_gateway.source_conflicts WHERE settled_at IS NULL ORDER BY so_dinh_danh');
    expect(conflicts.rows.map((r) => r.so_dinh_danh)).to.deep.equal([...both].sort());
    for (const c of conflicts.rows) {
      expect(c.sides.map((s) => s.source).sort()).to.deep.equal(['tinh-a', 'tinh-b']);
      expect(c.sides.every((s) => typeof s.approvedAt === 'string')).to.equal(true);
      expect(c.fields).to.be.an('array');
    }
    // No personal value in what the sync printed or logged.
    for (const x of both) expect(run.stdout + run.stderr).not.to.include(x);
  });

  it('a second run sends nothing again and opens no new conflict', async function () {
    const before = await acceptances(w);
    const run = await w.cli(['sync', '--json']);
    expect(run.code, run.stderr).to.equal(0);
    expect(JSON.parse(run.stdout).conflicts ?? 0).to.equal(0);
    expect(await acceptances(w)).to.deep.equal(before);
  });
});
