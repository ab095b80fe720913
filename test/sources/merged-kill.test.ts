import { expect } from 'chai';
import { SeededRandom } from '../../src/demo/seeded-random.js';
import { packetHashes, syncKilledAfter } from '../sync/sync-kills.js';
import { startMergedWorld, type MergedWorld } from './merged-world.js';

/**
 * Exactly once across two sources under SIGKILL: the built CLI syncs a merged province (qlcb and
 * nhansu on real PostgreSQL, people in both) and is killed at seeded moments after its run
 * started, then run until it finishes. Whatever moment each kill lands on: no version accepted
 * twice, every person one source approves accepted at their latest approval (none lost), the
 * people both approve held as conflicts, and no stored packet's bytes ever changed (none
 * re-signed). The moments only vary where the kills land, not what is checked.
 */
const KILLS = 5;
const KILL_MAX_MS = 2500;

describe('merged province: a two-source sync killed with SIGKILL, then resumed (real PostgreSQL)', function () {
  this.timeout(900_000);
  let w: MergedWorld;

  before(async function () {
    w = await startMergedWorld(300);
    const all = await w.nhansu.db.query<{ emp_id: number }>('SELECT emp_id FROM nhansu.employee ORDER BY emp_id');
    const empIds = all.rows.map((r) => r.emp_id);
    // nhansu keeps 100 people: 20 also approved in qlcb, 80 of its own (another serial).
    await w.nhansu.db.query('UPDATE nhansu.employee SET is_deleted = true WHERE emp_id = ANY($1::int[])', [empIds.slice(100)]);
    await w.nhansu.db.query(
      `UPDATE nhansu.employee SET citizen_id = left(regexp_replace(citizen_id, '[^0-9]', '', 'g'), 6) || '9' || lpad(emp_id::text, 5, '0')
        WHERE emp_id = ANY($1::int[])`, [empIds.slice(20, 100)]);
  });
  after(async function () {
    await w?.close();
  });

  it('0 duplicates, 0 lost, 0 re-signed; the people both sources approve are held', async function () {
    const random = new SeededRandom(20261207);
    const seen = new Map<string, string>();
    const kills: string[] = [];
    for (let i = 0; i < KILLS; i++) {
      const exit = await syncKilledAfter(w.env, w.store, random.int(0, KILL_MAX_MS));
      kills.push(exit.signal ?? `exit ${exit.code}`);
      if (exit.signal !== 'SIGKILL') expect([0, 75], exit.stderr).to.include(exit.code);
      for (const [id, hash] of await packetHashes(w.store)) {
        if (seen.has(id)) expect(hash, `packet ${id} changed after a kill`).to.equal(seen.get(id));
        else seen.set(id, hash);
      }
    }
    for (let i = 0; ; i++) {
      const exit = await syncKilledAfter(w.env, w.store);
      if (exit.code === 0) break;
      expect(i, exit.stderr).to.be.lessThan(5);
    }
    for (const [id, hash] of await packetHashes(w.store)) if (seen.has(id)) expect(hash, `packet ${id}`).to.equal(seen.get(id));
    const open = await w.store.db.query<{ status: string }>("SELECT status FROM csdl_gateway.packets WHERE status <> 'done'");
    expect(open.rows).to.deep.equal([]);

    // Who was due: each source's approved people, by số định danh and latest approval time.
    const a = await w.qlcb.db.query<{ sdd: string; at: Date }>(
      `SELECT c.so_cccd AS sdd, l.thoi_diem_duyet AS at FROM qlcb.can_bo c
         JOIN LATERAL (SELECT p.trang_thai, p.thoi_diem_duyet FROM qlcb.phe_duyet p WHERE p.can_bo_id = c.id ORDER BY p.id DESC LIMIT 1) l ON l.trang_thai = 'DA_DUYET'`);
    const b = await w.nhansu.db.query<{ sdd: string; at: Date }>(
      `SELECT regexp_replace(e.citizen_id, '[^0-9]', '', 'g') AS sdd, l.reviewed_at AS at FROM nhansu.employee e
         JOIN LATERAL (SELECT r.outcome, r.reviewed_at FROM nhansu.record_review r WHERE r.emp_id = e.emp_id ORDER BY r.rec_id DESC LIMIT 1) l ON l.outcome = 'A'
        WHERE NOT e.is_deleted`);
    const inA = new Map(a.rows.map((r) => [r.sdd, r.at.getTime()]));
    const inB = new Map(b.rows.map((r) => [r.sdd, r.at.getTime()]));
    const both = [...inA.keys()].filter((x) => inB.has(x));
    expect(both.length).to.be.greaterThan(0);
    const invalid = await w.store.db.query<{ so_dinh_danh: string | null }>("SELECT DISTINCT so_dinh_danh FROM csdl_gateway.record_versions WHERE status = 'invalid'");
    const refused = new Set(invalid.rows.map((r) => r.so_dinh_danh));

    const repeated = await w.ledger.db.query('SELECT so_dinh_danh, approved_at_text FROM csdl_simulator.acceptances GROUP BY 1, 2 HAVING count(*) > 1');
    expect(repeated.rows, 'no version accepted twice').to.deep.equal([]);
    const held = await w.ledger.db.query<{ so_dinh_danh: string; approved_at: Date }>('SELECT so_dinh_danh, approved_at FROM csdl_simulator.officials');
    const heldAt = new Map(held.rows.map((r) => [r.so_dinh_danh, r.approved_at.getTime()]));
    // A version one source's mapping refuses (`invalid`) claims nobody: the other source speaks for the person.
    // Nor does a source saying the official left (an archive): the owner speaks for them, no conflict.
    const archived = await w.store.db.query<{ so_dinh_danh: string }>("SELECT DISTINCT so_dinh_danh FROM csdl_gateway.record_versions WHERE operation = 'archive'");
    const left = new Set(archived.rows.map((r) => r.so_dinh_danh));
    const contested = both.filter((x) => !refused.has(x) && !left.has(x));
    for (const [sdd, at] of [...inA, ...inB]) {
      if (refused.has(sdd) || (left.has(sdd) && both.includes(sdd))) continue;
      if (contested.includes(sdd)) {
        if (heldAt.has(sdd)) {
          const v = await w.store.db.query('SELECT source, vendor_id, approval_id, status, operation, sync_run_id, packet_id IS NOT NULL AS packed FROM csdl_gateway.record_versions WHERE so_dinh_danh = $1 ORDER BY id', [sdd]);
          expect.fail(`a person both sources approve was sent: ${JSON.stringify(v.rows)} ${kills.join(', ')}`);
        }
      } else {
        expect(heldAt.get(sdd), `a person of one source (${kills.join(', ')})`).to.equal(at);
      }
    }
    const conflicts = await w.store.db.query<{ so_dinh_danh: string }>('SELECT so_dinh_danh FROM csdl_gateway.source_conflicts WHERE settled_at IS NULL');
    expect(conflicts.rows.map((r) => r.so_dinh_danh).sort()).to.deep.equal([...contested].sort());
  });
});
