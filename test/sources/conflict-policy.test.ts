import { expect } from 'chai';
import { startMergedWorld, type MergedWorld } from './merged-world.js';

describe('merged province: conflictPolicy "latest-approval" settles conflicts on its own, audited (real PostgreSQL)', function () {
  this.timeout(300_000);
  let w: MergedWorld;

  before(async function () {
    w = await startMergedWorld(6);
    w.writeSources({ conflictPolicy: 'latest-approval' });
  });
  after(async function () {
    await w?.close();
  });

  it('sends each person both sources approve once, from the later approval, and audits each settlement', async function () {
    // tinh-b approved everyone later than tinh-a: its records win.
    await w.nhansu.db.query(`INSERT INTO nhansu.record_review (emp_id, outcome, reviewer, reviewed_at)
                             SELECT emp_id, 'A', 'Trưởng phòng', now() FROM nhansu.employee`);
    const run = await w.cli(['sync', '--json']);
    expect(run.code, run.stderr).to.equal(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.conflicts).to.be.greaterThan(0);
    const settled = await w.store.db.query<{ so_dinh_danh: string; chosen_source: string; settled_by: string }>(
      'SELECT so_dinh_danh, chosen_source, settled_by FROM csdl_gateway.source_conflicts ORDER BY so_dinh_danh');
    expect(settled.rows).to.have.length(summary.conflicts);
    expect(new Set(settled.rows.map((r) => `${r.chosen_source} ${r.settled_by}`))).to.deep.equal(new Set(['tinh-b conflictPolicy']));
    const sdds = settled.rows.map((r) => r.so_dinh_danh);
    const accepted = await w.ledger.db.query<{ so_dinh_danh: string; n: number }>(
      'SELECT so_dinh_danh, count(*)::int AS n FROM csdl_simulator.acceptances WHERE so_dinh_danh = ANY($1::text[]) GROUP BY 1', [sdds]);
    expect(accepted.rows.map((r) => r.n)).to.deep.equal(sdds.map(() => 1));
    const sent = await w.store.db.query<{ source: string; status: string; n: number }>(
      `SELECT source, status, count(*)::int AS n FROM csdl_gateway.record_versions WHERE so_dinh_danh = ANY($1::text[]) GROUP BY 1, 2 ORDER BY 1, 2`, [sdds]);
    expect(sent.rows).to.deep.equal([{ source: 'tinh-a', status: 'held', n: sdds.length }, { source: 'tinh-b', status: 'accepted', n: sdds.length }]);
    const audit = await w.store.db.query<{ people: string[]; source: string }>(
      "SELECT people, source FROM csdl_gateway.audit_log WHERE action = 'sync.conflict.settle' ORDER BY seq");
    expect(audit.rows.map((r) => r.people[0]).sort()).to.deep.equal([...sdds].sort());
    expect(audit.rows.every((r) => r.source === 'tinh-b')).to.equal(true);
    const verify = await w.cli(['audit', 'verify']);
    expect(verify.code, verify.stdout + verify.stderr).to.equal(0);
  });
});
