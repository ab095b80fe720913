import { expect } from 'chai';
import { generatePeople } from '../../src/demo/generate-people.js';
import { generateNhansu, type NhansuSummary } from '../../src/demo/nhansu/generate-nhansu.js';
import { installNhansuSchema } from '../../src/demo/nhansu/nhansu-schema.js';
import { installProvincialSchema } from '../../src/demo/provincial-schema.js';
import { freshDatabase, type TestDatabase } from '../setup/databases.js';

// The second vendor's generator: the same people as qlcb for the same seed, in nhansu's shapes
// (mappings/nhansu/schema.sql). Both databases are filled by the real generators; the checks
// read them back with SQL written here from the two schemas.
const PEOPLE = 400;

describe('demo data: the nhansu vendor', function () {
  this.timeout(120_000);
  let nhansu: TestDatabase;
  let qlcb: TestDatabase;
  let summary: NhansuSummary;

  before(async function () {
    [nhansu, qlcb] = await Promise.all([freshDatabase('postgres'), freshDatabase('postgres')]);
    await installNhansuSchema(nhansu.db);
    await installProvincialSchema(qlcb.db, { sample: false });
    summary = await generateNhansu(nhansu.db, { people: PEOPLE, seed: 5, chunkSize: 150 });
    await generatePeople(qlcb.db, { people: PEOPLE, seed: 5, chunkSize: 150 });
  });
  after(async function () {
    await nhansu?.drop();
    await qlcb?.drop();
  });

  it('holds the same people as qlcb for the same seed, with the same ids', async function () {
    const ours = await nhansu.db.query(
      `SELECT emp_id AS id, full_name, regexp_replace(citizen_id, '[^0-9]', '', 'g') AS cccd,
              CASE dob_precision WHEN 'D' THEN to_char(dob, 'DD/MM/YYYY') WHEN 'M' THEN to_char(dob, '"00"/MM/YYYY') ELSE to_char(dob, '"00/00"/YYYY') END AS born,
              CASE sex WHEN 'M' THEN 1 ELSE 0 END AS sex, p.item_label AS degree, s.status_name AS status
         FROM nhansu.employee e JOIN nhansu.lk_item p ON p.item_code = e.prof_code JOIN nhansu.lk_work_status s USING (status_code)
        ORDER BY emp_id`,
    );
    const theirs = await qlcb.db.query(
      `SELECT id, ho_ten AS full_name, so_cccd AS cccd, ngay_sinh AS born, gioi_tinh AS sex, trinh_do_chuyen_mon AS degree, trang_thai
         FROM qlcb.can_bo ORDER BY id`,
    );
    expect(ours.rows).to.have.length(PEOPLE);
    const status: Record<string, string> = { DANG_LAM: 'Đang làm việc', NGHI_HUU: 'Nghỉ hưu', THOI_VIEC: 'Nghỉ việc', CHUYEN_DI: 'Chuyển công tác', TU_TRAN: 'Đã mất' };
    expect(ours.rows).to.deep.equal(theirs.rows.map(({ trang_thai, ...r }) => ({ ...r, status: status[trang_thai] })));
  });

  it('writes every shape the schema describes: separators, precisions, year-only periods, soft deletes', async function () {
    const shapes = await nhansu.db.query<Record<string, number>>(
      `SELECT (SELECT count(*) FROM nhansu.employee WHERE citizen_id ~ '[ .-]')::int AS separated,
              (SELECT count(*) FROM nhansu.employee WHERE dob_precision = 'M')::int AS month_only,
              (SELECT count(*) FROM nhansu.employee WHERE dob_precision = 'Y')::int AS year_only,
              (SELECT count(*) FROM nhansu.career WHERE period_precision = 'Y')::int AS career_years,
              (SELECT count(*) FROM nhansu.career WHERE end_on IS NULL)::int AS open_periods,
              (SELECT count(*) FROM nhansu.employee WHERE is_deleted)::int AS deleted,
              (SELECT count(*) FROM nhansu.employee WHERE religion_code IS NULL)::int AS no_religion,
              (SELECT count(*) FROM nhansu.work_contract)::int AS contracts`,
    );
    const s = shapes.rows[0]!;
    for (const key of Object.keys(s)) expect(s[key], key).to.be.greaterThan(0);
    expect(s.deleted).to.equal(summary.deleted.size);
    expect(s.separated).to.equal(summary.separatedIds);
    // Every separated id is a 12-digit CCCD once its separators are gone.
    const bad = await nhansu.db.query(`SELECT citizen_id FROM nhansu.employee WHERE citizen_id ~ '[ .-]' AND regexp_replace(citizen_id, '[ .-]', '', 'g') !~ '^[0-9]{12}$'`);
    expect(bad.rows).to.deep.equal([]);
  });

  it('records approvals without a unit, the approving unit on the person, as qlcb records them', async function () {
    const ours = await nhansu.db.query(
      `SELECT e.emp_id AS id, (SELECT r.outcome FROM nhansu.record_review r WHERE r.emp_id = e.emp_id ORDER BY r.rec_id DESC LIMIT 1) AS outcome,
              (SELECT count(*)::int FROM nhansu.record_review r WHERE r.emp_id = e.emp_id) AS rounds,
              a.agency_code AS approver, coalesce(u.parent_org_id, u.org_id) = e.approver_org_id AS parent
         FROM nhansu.employee e JOIN nhansu.org_unit u ON u.org_id = e.org_id JOIN nhansu.org_unit a ON a.org_id = e.approver_org_id ORDER BY e.emp_id`,
    );
    const theirs = await qlcb.db.query(
      `SELECT c.id, (SELECT p.trang_thai FROM qlcb.phe_duyet p WHERE p.can_bo_id = c.id ORDER BY p.id DESC LIMIT 1) AS status,
              (SELECT count(*)::int FROM qlcb.phe_duyet p WHERE p.can_bo_id = c.id) AS rounds,
              (SELECT d.ma_dinh_danh FROM qlcb.phe_duyet p JOIN qlcb.dm_don_vi d ON d.id = p.don_vi_duyet_id
                WHERE p.can_bo_id = c.id AND p.don_vi_duyet_id IS NOT NULL ORDER BY p.id DESC LIMIT 1) AS approver
         FROM qlcb.can_bo c ORDER BY c.id`,
    );
    const outcome: Record<string, string> = { DA_DUYET: 'A', TU_CHOI: 'R', CHO_DUYET: 'P' };
    expect(ours.rows.every((r) => r.parent === true)).to.equal(true);
    expect(ours.rows.map((r) => [r.id, r.outcome, r.rounds])).to.deep.equal(theirs.rows.map((r) => [r.id, outcome[r.status], r.rounds]));
    // Where qlcb names the approving unit, it is the unit nhansu holds on the person.
    const named = theirs.rows.filter((r) => r.approver !== null);
    expect(named.length).to.be.greaterThan(PEOPLE / 2);
    const approverOf = new Map(ours.rows.map((r) => [r.id, r.approver]));
    expect(named.filter((r) => approverOf.get(r.id) !== r.approver)).to.deep.equal([]);
    expect(summary.approved).to.equal(theirs.rows.filter((r) => r.status === 'DA_DUYET').length);
  });

  it('a range starting at `first` holds the same people as those indexes of a range from 0 (the rehearsal\'s overlap)', async function () {
    const half = PEOPLE / 2;
    const other = await freshDatabase('postgres');
    try {
      await installNhansuSchema(other.db);
      await generateNhansu(other.db, { people: PEOPLE, seed: 5, first: half, chunkSize: 150 });
      const people = (db: TestDatabase['db']) => db.query<{ emp_id: number; cccd: string; full_name: string }>(
        `SELECT emp_id, regexp_replace(citizen_id, '[^0-9]', '', 'g') AS cccd, full_name FROM nhansu.employee ORDER BY emp_id`);
      const theirs = (await people(nhansu.db)).rows.slice(0, PEOPLE);
      const ours = (await people(other.db)).rows;
      expect(ours).to.have.length(PEOPLE);
      expect(ours.slice(0, PEOPLE - half)).to.deep.equal(theirs.slice(half));
      const shared = new Set(theirs.map((r) => r.cccd));
      expect(ours.slice(PEOPLE - half).filter((r) => shared.has(r.cccd)), 'the rest are its own people').to.deep.equal([]);
    } finally {
      await other.drop();
    }
  });

  it('adds people on a second run without doubling units or lookups', async function () {
    const units = async (): Promise<number[]> => (await nhansu.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM nhansu.org_unit UNION ALL SELECT count(*)::int FROM nhansu.lk_item UNION ALL SELECT count(*)::int FROM nhansu.employee',
    )).rows.map((r) => r.n);
    const [orgs, items] = await units();
    const again = await generateNhansu(nhansu.db, { people: 20, seed: 6 });
    expect(again.rows.org_unit).to.equal(0);
    expect(await units()).to.deep.equal([orgs, items, PEOPLE + 20]);
  });
});
