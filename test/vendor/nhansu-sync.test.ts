import { expect } from 'chai';
import { nationalContract } from '../../src/contract/national-contract.js';
import type { NhansuSummary } from '../../src/demo/nhansu/generate-nhansu.js';
import { createPayloadCodec } from '../../src/encoding/payload-codec.js';
import { readHeldRecord } from '../../src/simulator/held-records.js';
import { startApiApp } from '../ops/api-app.js';
import { startSyncWorld, type SyncWorld } from '../sync/sync-harness.js';

/**
 * The scheduled sync on the second vendor's database (mappings/nhansu, schema.sql there), over
 * real HTTP to the national simulator: what is due, what is sent, exactly once, and what the
 * national side holds, checked against SQL over the nhansu tables written here, not against
 * the mapping. Soft-deleted people are never sent; the approving unit is the one on the person.
 */
interface Expected {
  vendorId: number;
  soDinhDanh: string;
  hoTen: string;
  ngaySinh: string;
  donVi: string;
  approvingUnit: string;
}

async function count(w: SyncWorld, sql: string): Promise<number> {
  const res = await w.store.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`);
  return res.rows[0]?.n ?? 0;
}

describe('nhansu: sync end to end', function () {
  this.timeout(120_000);
  let w: SyncWorld;
  let expected: Expected[];
  let deletedIds: string[];

  before(async function () {
    w = await startSyncWorld({ storeBackend: 'postgres', people: 260, vendor: 'nhansu' });
    const generated = w.generated as NhansuSummary;
    const res = await w.source.db.query<Expected & { deleted: boolean }>(
      // A closed unit stands for the unit it merged into, to the end of the chain (schema.sql).
      `WITH RECURSIVE chain AS (SELECT org_id AS start, agency_code, merged_into FROM nhansu.org_unit
                                UNION ALL SELECT c.start, o.agency_code, o.merged_into FROM chain c JOIN nhansu.org_unit o ON o.org_id = c.merged_into),
            current_code AS (SELECT start, agency_code FROM chain WHERE merged_into IS NULL)
       SELECT e.emp_id AS "vendorId", translate(e.citizen_id, ' .-', '') AS "soDinhDanh", e.is_deleted AS deleted,
              e.full_name AS "hoTen",
              CASE e.dob_precision WHEN 'Y' THEN to_char(e.dob, 'YYYY') WHEN 'M' THEN to_char(e.dob, 'YYYY-MM') ELSE to_char(e.dob, 'YYYY-MM-DD') END AS "ngaySinh",
              u.agency_code AS "donVi", a.agency_code AS "approvingUnit"
         FROM nhansu.employee e JOIN current_code u ON u.start = e.org_id JOIN current_code a ON a.start = e.approver_org_id
        WHERE (SELECT r.outcome FROM nhansu.record_review r WHERE r.emp_id = e.emp_id ORDER BY r.rec_id DESC LIMIT 1) = 'A'
        ORDER BY e.emp_id`,
    );
    deletedIds = res.rows.filter((r) => r.deleted).map((r) => String(r.vendorId));
    expected = res.rows.filter((r) => !r.deleted && !generated.intentionallyInvalid.has(r.vendorId)).map(({ deleted: _d, ...r }) => r);
    expect(deletedIds.length, 'approved soft-deleted people in the data').to.be.greaterThan(0);
    expect(expected.length).to.be.greaterThan(150);
  });
  after(async function () {
    await w?.close();
  });

  it('first sync: every valid approved live person accepted exactly once, none of the soft-deleted', async function () {
    const summary = await w.service().service.run();
    expect(summary).to.include({ skipped: false, accepted: expected.length, rejected: 0, stale: 0, packetsFailed: 0 });
    const ledger = await w.ledger();
    expect(ledger.acceptances).to.deep.include({ total: expected.length, versions: expected.length, repeated: [] });
    expect(ledger.officials).to.deep.include({ held: expected.length });
    const deleted = await w.store.db.query(`SELECT vendor_id FROM csdl_gateway.record_versions WHERE vendor_id = ANY($1::text[])`, [deletedIds]);
    expect(deleted.rows).to.deep.equal([]);
    expect(await count(w, `csdl_gateway.packets WHERE status <> 'done'`)).to.equal(0);
  });

  it('0 wrong: the national side holds each person under their digits, name, birth date and unit', async function () {
    const wrong: string[] = [];
    const codec = createPayloadCodec(nationalContract());
    for (const e of expected) {
      const held = await readHeldRecord(w.sim.db, codec, e.soDinhDanh);
      const record = held?.record as { soDinhDanh?: string; hoTen?: string; ngaySinh?: string; donViSuDung?: string } | undefined;
      const got = { soDinhDanh: record?.soDinhDanh, hoTen: record?.hoTen, ngaySinh: record?.ngaySinh, donVi: record?.donViSuDung };
      const want = { soDinhDanh: e.soDinhDanh, hoTen: e.hoTen.normalize('NFC').replace(/\s+/g, ' ').trim(), ngaySinh: e.ngaySinh, donVi: e.donVi };
      // Names stored in capitals are sent in proper case: compared without case.
      if (JSON.stringify({ ...got, hoTen: got.hoTen?.toLocaleLowerCase('vi') }) !== JSON.stringify({ ...want, hoTen: want.hoTen.toLocaleLowerCase('vi') })) {
        wrong.push(`${e.vendorId}: ${JSON.stringify(got)} vs ${JSON.stringify(want)}`);
      }
    }
    expect(wrong.slice(0, 5)).to.deep.equal([]);
  });

  it('records the approving unit held on the person, not the person\'s own unit', async function () {
    const versions = await w.store.db.query<{ vendor_id: string; approved_by_unit: string | null }>(
      `SELECT vendor_id, approved_by_unit FROM csdl_gateway.record_versions WHERE status = 'accepted'`,
    );
    const byId = new Map(versions.rows.map((r) => [r.vendor_id, r.approved_by_unit]));
    expect(expected.filter((e) => byId.get(String(e.vendorId)) !== e.approvingUnit).map((e) => e.vendorId)).to.deep.equal([]);
    expect(expected.some((e) => e.approvingUnit !== e.donVi)).to.equal(true);
  });

  it('nothing due on a second run; an edit and a new approval send that person alone', async function () {
    expect(await w.service().service.run()).to.include({ due: 0, queued: 0, packetsBuilt: 0 });
    const person = expected[0]!;
    await w.approveAgain(person.vendorId, { edit: 'Số 9, phường Vĩnh Yên, Phú Thọ' });
    expect(await w.service().service.run()).to.include({ due: 1, queued: 1, accepted: 1 });
    expect((await w.ledger(person.soDinhDanh)).acceptances).to.have.length(2);
  });

  it('a person deleted in the software after being sent is never sent again, even when approved', async function () {
    const person = expected[1]!;
    await w.source.db.query('UPDATE nhansu.employee SET is_deleted = true WHERE emp_id = $1', [person.vendorId]);
    await w.approveAgain(person.vendorId, { edit: 'Số 1, xã Tam Dương, Phú Thọ' });
    expect(await w.service().service.run()).to.include({ due: 0, queued: 0 });
    expect((await w.ledger(person.soDinhDanh)).acceptances).to.have.length(1);
  });

  it('operators\' views: records by approving unit and a person\'s history, with nhansu\'s vendor ids and units', async function () {
    const api = await startApiApp(w.store.db);
    try {
      const summary = await api.get('/api/ops/summary', api.tokens.auditor);
      expect(summary.status).to.equal(200);
      expect(summary.body.records.accepted).to.equal(expected.length + 1);
      // The unit approving most people: its records are exactly theirs.
      const byUnit = new Map<string, string[]>();
      for (const e of expected) byUnit.set(e.approvingUnit, [...(byUnit.get(e.approvingUnit) ?? []), String(e.vendorId)]);
      const [unit, ids] = [...byUnit].sort((a, b) => b[1].length - a[1].length)[0]!;
      const listed = await api.get(`/api/ops/records?state=accepted&unit=${encodeURIComponent(unit)}&pageSize=200`, api.tokens.auditor);
      expect(listed.status).to.equal(200);
      expect([...new Set(listed.body.items.map((r: { vendorId: string }) => r.vendorId))].sort()).to.deep.equal([...ids].sort());
      // The person edited and approved again: two accepted versions, both under nhansu's emp_id.
      const person = expected[0]!;
      const history = await api.get(`/api/ops/people/${person.soDinhDanh}`, api.tokens.auditor);
      expect(history.status).to.equal(200);
      expect(history.body.versions.map((v: { vendorId: string; state: string; approvedByUnit: string }) => [v.vendorId, v.state, v.approvedByUnit]))
        .to.deep.equal([[String(person.vendorId), 'accepted', person.approvingUnit], [String(person.vendorId), 'accepted', person.approvingUnit]]);
      expect(api.audit.entries.at(-1)).to.deep.include({ action: 'ops.person.view', people: [person.soDinhDanh] });
    } finally {
      await api.close();
    }
  });
});
