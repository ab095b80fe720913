import { expect } from 'chai';
import { parseTrustAnchors } from '../../src/signing/trust-anchors.js';
import { loadWorkingCalendar } from '../../src/calendar/calendar-loader.js';
import { migrate } from '../../src/db/migrate.js';
import { generateNhansu } from '../../src/demo/nhansu/generate-nhansu.js';
import { installNhansuSchema } from '../../src/demo/nhansu/nhansu-schema.js';
import { loadMapping } from '../../src/mapping/mapping-loader.js';
import { createNdxpClient, type NdxpClient } from '../../src/ndxp/ndxp-client.js';
import { TransferError } from '../../src/transfer/transfer-error.js';
import { createTransferService, type CallContext, type TransferService } from '../../src/transfer/transfer-service.js';
import { freshDatabase, type TestDatabase } from '../setup/databases.js';
import { CLIENT, PROVINCE, record, startHarness, type Harness } from '../simulator/simulator-harness.js';
import { MemoryAuditLog } from '../setup/memory-audit-log.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- staged rows and records are known JSON */
/**
 * Pull on the second vendor: a transferee held nationally is staged in nhansu's own table
 * (nhansu.inbound_transfer, mappings/nhansu/staging.json), in nhansu's terms (employee columns,
 * lookup codes), for a unit of nhansu's own tree; nothing is written to any other table.
 */
const CLI: CallContext = { actor: { kind: 'cli', name: 'tester' } };
const UNIT = '000.00.05.H62';
const CLOSED_UNIT = '000.00.21.H62';

async function refusal(work: Promise<unknown>): Promise<TransferError> {
  try {
    await work;
  } catch (err) {
    if (err instanceof TransferError) return err;
    throw err;
  }
  throw new Error('expected a TransferError');
}

describe('nhansu: pull staged in its own table', function () {
  this.timeout(120_000);
  let sim: Harness;
  let source: TestDatabase;
  let store: TestDatabase;
  let client: NdxpClient;
  let service: TransferService;
  let unitId: number;
  const audit = new MemoryAuditLog();

  const staged = async (): Promise<any[]> => (await source.db.query('SELECT * FROM nhansu.inbound_transfer ORDER BY inbound_id')).rows;
  const hold = (data: any) => sim.sim.simulator.seedOfficial({ soDinhDanh: data.soDinhDanh, record: data, approvedAt: '2026-01-05T08:00:00+07:00', sender: '000.00.00.H26', archived: false, migrated: false });

  before(async function () {
    sim = await startHarness();
    source = await freshDatabase('postgres');
    await installNhansuSchema(source.db);
    await generateNhansu(source.db, { people: 80, seed: 4 });
    store = await freshDatabase('postgres');
    await migrate(store.db);
    client = createNdxpClient({
      baseUrl: sim.sim.url, ...CLIENT, consumerCode: PROVINCE, connectTimeoutMs: 2000, responseTimeoutMs: 5000, retry: { attempts: 1 }, sleep: async () => undefined,
    });
    service = createTransferService({
      store: store.db, source: source.db, national: client, trustAnchors: parseTrustAnchors(sim.pki.trustAnchorsPem),
      mapping: loadMapping('mappings/nhansu'), calendar: loadWorkingCalendar(), audit, today: () => '2026-02-09',
    });
    unitId = (await source.db.query<{ org_id: number }>('SELECT org_id FROM nhansu.org_unit WHERE agency_code = $1', [UNIT])).rows[0]!.org_id;
  });
  after(async function () {
    client?.close();
    await sim?.close();
    await source?.drop();
    await store?.drop();
  });
  beforeEach(async function () {
    await source.db.query('DELETE FROM nhansu.inbound_transfer');
    await store.db.query('DELETE FROM csdl_gateway.transfers');
  });

  it('stages the record in nhansu.inbound_transfer with nhansu\'s columns, lookup codes and unit', async function () {
    const data = record(801).data;
    await hold(data);
    const out = await service.pull({ soDinhDanh: data.soDinhDanh, receivingUnit: UNIT, decision: { so: '7/QĐ-UBND', ngayHieuLuc: '2026-02-09' } }, CLI);
    const rows = await staged();
    expect(rows).to.have.length(1);
    const row = rows[0];
    expect({ citizen_no: row.citizen_no, receiving_org_id: row.receiving_org_id, origin: row.origin, state: row.state, decision_no: row.decision_no })
      .to.deep.equal({ citizen_no: data.soDinhDanh, receiving_org_id: unitId, origin: 'CSDL_QG', state: 'WAITING', decision_no: '7/QĐ-UBND' });
    expect(row.arrived_at).to.be.instanceOf(Date);
    const lookup = async (table: string, code: string, label: string, value: unknown): Promise<string | undefined> =>
      (await source.db.query(`SELECT ${label} AS label FROM nhansu.${table} WHERE ${code} = $1`, [value])).rows[0]?.label;
    const profile = row.profile;
    expect(profile).to.include({ citizen_id: data.soDinhDanh, full_name: data.hoTen, sex: 'F', org_id: unitId });
    expect(await lookup('lk_ethnic', 'ethnic_code', 'ethnic_name', profile.ethnic_code)).to.equal('Việt (Kinh)');
    expect(await lookup('lk_item', 'item_code', 'item_group', profile.prof_code)).to.equal('CHUYEN_MON');
    expect(await lookup('lk_item', 'item_code', 'item_group', profile.politics_code)).to.equal('CHINH_TRI');
    expect(await lookup('lk_staff_kind', 'kind_code', 'kind_name', profile.kind_code)).to.equal('Công chức');
    expect(Object.keys(profile).filter((k) => ['so_cccd', 'ho_ten', 'don_vi_id', 'dan_toc_id'].includes(k))).to.deep.equal([]);
    expect(out.staged).to.deep.include({ id: String(row.inbound_id), refreshed: false });
  });

  it('refreshes the waiting row on a repeat pull instead of adding one', async function () {
    const data = record(802).data;
    await hold(data);
    const first = await service.pull({ soDinhDanh: data.soDinhDanh, receivingUnit: UNIT }, CLI);
    await hold({ ...data, soDienThoai: '0988777666' });
    const second = await service.pull({ soDinhDanh: data.soDinhDanh, receivingUnit: UNIT }, CLI);
    const rows = await staged();
    expect(rows).to.have.length(1);
    expect(second.staged).to.deep.include({ id: first.staged.id, refreshed: true });
    expect(rows[0].profile.mobile).to.equal('0988777666');
  });

  it('refuses a person already working here; a soft-deleted one is not working here', async function () {
    const live = (await source.db.query<{ citizen_id: string; emp_id: number }>(
      `SELECT citizen_id, emp_id FROM nhansu.employee WHERE NOT is_deleted AND status_code = 'DL' AND citizen_id ~ '^[0-9]{12}$' ORDER BY emp_id LIMIT 1`,
    )).rows[0]!;
    const digits = live.citizen_id.replace(/\D/g, '');
    // A record the national rules accept for these digits: sex and century from the 4th digit, the year from the 5th and 6th.
    const sexCentury = Number(digits[3]);
    const born = `${sexCentury >= 2 ? 20 : 19}${digits.slice(4, 6)}-06-15`;
    const sex = sexCentury % 2 === 0 ? { ma: '1', ten: 'Nam' } : { ma: '2', ten: 'Nữ' };
    await hold({ ...record(803).data, soDinhDanh: digits, ngaySinh: born, gioiTinh: sex });
    const err = await refusal(service.pull({ soDinhDanh: digits, receivingUnit: UNIT }, CLI));
    expect([err.code, err.status]).to.deep.equal(['transfer.already_active', 409]);
    expect(await staged()).to.deep.equal([]);
    await source.db.query('UPDATE nhansu.employee SET is_deleted = true WHERE emp_id = $1', [live.emp_id]);
    const out = await service.pull({ soDinhDanh: digits, receivingUnit: UNIT }, CLI);
    expect(out.staged.refreshed).to.equal(false);
  });

  it('refuses a person working here whose citizen id is typed with separators (staging.active.strip)', async function () {
    const live = (await source.db.query<{ emp_id: number }>(
      `SELECT emp_id FROM nhansu.employee WHERE NOT is_deleted AND status_code = 'DL' ORDER BY emp_id LIMIT 1`,
    )).rows[0]!;
    const data = record(805).data;
    // The clerk typed the card's number as it is printed: groups of three, spaces and a dot.
    const typed = `${data.soDinhDanh.slice(0, 3)} ${data.soDinhDanh.slice(3, 6)}.${data.soDinhDanh.slice(6)}`;
    await source.db.query('UPDATE nhansu.employee SET citizen_id = $2 WHERE emp_id = $1', [live.emp_id, typed]);
    await hold(data);
    const err = await refusal(service.pull({ soDinhDanh: data.soDinhDanh, receivingUnit: UNIT }, CLI));
    expect([err.code, err.status]).to.deep.equal(['transfer.already_active', 409]);
    expect(await staged()).to.deep.equal([]);
    // No longer working: pulled.
    await source.db.query(`UPDATE nhansu.employee SET status_code = (SELECT status_code FROM nhansu.lk_work_status WHERE NOT still_working LIMIT 1) WHERE emp_id = $1`, [live.emp_id]);
    const out = await service.pull({ soDinhDanh: data.soDinhDanh, receivingUnit: UNIT }, CLI);
    expect(out.staged.refreshed).to.equal(false);
  });

  it('writes a partial date as nhansu stores it: the first day, with its precision column set', async function () {
    for (const [serial, ngaySinh, dob, precision] of [
      [806, '1985', '1985-01-01', 'Y'], [807, '1985-05', '1985-05-01', 'M'], [808, '1985-05-14', '1985-05-14', 'D'],
    ] as const) {
      const data = { ...record(serial).data, ngaySinh };
      await hold(data);
      const out = await service.pull({ soDinhDanh: data.soDinhDanh, receivingUnit: UNIT }, CLI);
      const [row] = (await staged()).filter((r) => r.citizen_no === data.soDinhDanh);
      expect([row.profile.dob, row.profile.dob_precision], ngaySinh).to.deep.equal([dob, precision]);
      expect(out.warnings.filter((w) => w.path === '/dob'), ngaySinh).to.deep.equal([]);
    }
    const data = record(809).data;
    await hold({ ...data, quaTrinhCongTac: [{ tuThang: '2009-09', denThang: '2015', donVi: 'UBND huyện Bình Xuyên', chucVu: 'Chuyên viên' }, { tuThang: '2015', donVi: 'Sở Nội vụ' }] });
    await service.pull({ soDinhDanh: data.soDinhDanh, receivingUnit: UNIT }, CLI);
    const [row] = (await staged()).filter((r) => r.citizen_no === data.soDinhDanh);
    expect(row.profile.career.map((c: any) => [c.start_on, c.end_on, c.period_precision])).to.deep.equal([
      ['2009-09-01', '2015-01-01', 'M'], ['2015-01-01', undefined, 'Y'],
    ]);
  });

  it('refuses a closed unit of nhansu\'s tree, naming the unit it merged into', async function () {
    const err = await refusal(service.pull({ soDinhDanh: record(804).data.soDinhDanh, receivingUnit: CLOSED_UNIT }, CLI));
    expect([err.code, err.status]).to.deep.equal(['transfer.unit_closed', 400]);
    const successor = (await source.db.query(
      'SELECT s.agency_code FROM nhansu.org_unit u JOIN nhansu.org_unit s ON s.org_id = u.merged_into WHERE u.agency_code = $1', [CLOSED_UNIT],
    )).rows[0]!.agency_code;
    expect(err.message).to.include(`successor is ${successor}`);
    expect(await staged()).to.deep.equal([]);
  });
});
