import { expect } from 'chai';
import { record } from '../simulator/simulator-harness.js';
import { startMergedWorld, type MergedWorld } from './merged-world.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- staged rows and CLI JSON are known shapes */
/**
 * Pull in a merged province, through the built CLI on two real PostgreSQL databases: tinh-a
 * (qlcb, units coded H62) and tinh-b (nhansu, its units recoded H26 here, as an old province of
 * its own, but for one code both trees hold). The record is staged in the source whose unit tree
 * holds the receiving unit, in that vendor's table and terms; the transfer and its audit entries
 * name the source; a code in both trees is refused until the caller names the source; a person
 * active in either source is refused.
 */
const SHARED_UNIT = '000.00.05.H62';

describe('merged province: a pull is staged in the source holding the receiving unit', function () {
  this.timeout(240_000);
  let world: MergedWorld;
  let qlcbUnit: string;
  let nhansuUnit: string;
  let nhansuUnitId: number;
  let activeInA: string;

  const hold = (data: any) => world.sim.simulator.seedOfficial({
    soDinhDanh: data.soDinhDanh, record: data, approvedAt: '2026-01-05T08:00:00+07:00', sender: '000.00.00.H26', archived: false,
  });
  const stagedA = async () => (await world.qlcb.db.query('SELECT * FROM qlcb.tiep_nhan_chuyen_den ORDER BY id')).rows as any[];
  const stagedB = async () => (await world.nhansu.db.query('SELECT * FROM nhansu.inbound_transfer ORDER BY inbound_id')).rows as any[];
  const transfers = async () => (await world.store.db.query('SELECT so_dinh_danh, receiving_unit, source, status FROM csdl_gateway.transfers ORDER BY id')).rows as any[];
  const entries = async (sdd: string) => (await world.store.db.query(
    "SELECT action, outcome, code, source FROM csdl_gateway.audit_log WHERE $1 = ANY(people) AND action LIKE 'transfer.%' ORDER BY seq", [sdd])).rows as any[];

  before(async function () {
    world = await startMergedWorld(20);
    // tinh-b is another old province: its codes differ, but for SHARED_UNIT, in both trees.
    await world.nhansu.db.query("UPDATE nhansu.org_unit SET agency_code = replace(agency_code, 'H62', 'H26') WHERE agency_code <> $1", [SHARED_UNIT]);
    const a = await world.qlcb.db.query<{ code: string }>(
      "SELECT ma_dinh_danh AS code FROM qlcb.dm_don_vi WHERE con_hoat_dong AND ma_dinh_danh <> $1 AND ma_dinh_danh LIKE '%.H62' ORDER BY id DESC LIMIT 1", [SHARED_UNIT]);
    qlcbUnit = a.rows[0]!.code;
    const b = await world.nhansu.db.query<{ code: string; id: number }>(
      "SELECT agency_code AS code, org_id AS id FROM nhansu.org_unit WHERE NOT coalesce(closed, false) AND merged_into IS NULL AND agency_code LIKE '%.H26' ORDER BY org_id DESC LIMIT 1");
    nhansuUnit = b.rows[0]!.code;
    nhansuUnitId = b.rows[0]!.id;
    const p = await world.qlcb.db.query<{ sdd: string }>("SELECT so_cccd AS sdd FROM qlcb.can_bo WHERE trang_thai = 'DANG_LAM' AND so_cccd ~ '^[0-9]{12}$' LIMIT 1");
    activeInA = p.rows[0]!.sdd;
    expect((await world.qlcb.db.query('SELECT 1 FROM qlcb.dm_don_vi WHERE ma_dinh_danh = $1', [SHARED_UNIT])).rows).to.have.length(1);
    expect((await world.nhansu.db.query('SELECT 1 FROM nhansu.org_unit WHERE agency_code = $1', [SHARED_UNIT])).rows).to.have.length(1);
  });
  after(async function () {
    await world?.close();
  });

  it('finds a unit of the second source and stages there, in that vendor\'s table, naming the source', async function () {
    const data = record(901).data;
    await hold(data);
    const run = await world.cli(['pull', data.soDinhDanh, '--unit', nhansuUnit, '--json']);
    expect(run.code, run.stderr).to.equal(0);
    const out = JSON.parse(run.stdout);
    expect(out.transfer.source).to.equal('tinh-b');
    expect(out.staged.table).to.equal('nhansu.inbound_transfer');
    const rows = await stagedB();
    expect(rows.map((r) => [r.citizen_no, Number(r.receiving_org_id)])).to.deep.equal([[data.soDinhDanh, nhansuUnitId]]);
    expect(await stagedA()).to.have.length(0);
    expect(await transfers()).to.deep.include({ so_dinh_danh: data.soDinhDanh, receiving_unit: nhansuUnit, source: 'tinh-b', status: 'staged' });
    expect(await entries(data.soDinhDanh)).to.deep.equal([
      { action: 'transfer.request', outcome: 'ok', code: null, source: 'tinh-b' },
      { action: 'transfer.pull', outcome: 'ok', code: null, source: 'tinh-b' },
    ]);
  });

  it('stages a unit of the first source in the first source', async function () {
    const data = record(902).data;
    await hold(data);
    const run = await world.cli(['pull', data.soDinhDanh, '--unit', qlcbUnit, '--json']);
    expect(run.code, run.stderr).to.equal(0);
    expect(JSON.parse(run.stdout).transfer.source).to.equal('tinh-a');
    expect((await stagedA()).map((r) => r.so_cccd)).to.include(data.soDinhDanh);
    expect((await stagedB()).map((r) => r.citizen_no)).not.to.include(data.soDinhDanh);
  });

  it('refuses a code both trees hold with transfer.unit_ambiguous, then stages where --source says', async function () {
    const data = record(903).data;
    await hold(data);
    const before = (await stagedA()).length + (await stagedB()).length;
    const refused = await world.cli(['pull', data.soDinhDanh, '--unit', SHARED_UNIT]);
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.contain('transfer.unit_ambiguous').and.contain('tinh-a').and.contain('tinh-b');
    expect((await stagedA()).length + (await stagedB()).length).to.equal(before);
    expect(await entries(data.soDinhDanh)).to.deep.equal([{ action: 'transfer.pull', outcome: 'refused', code: 'transfer.unit_ambiguous', source: 'default' }]);

    const named = await world.cli(['pull', data.soDinhDanh, '--unit', SHARED_UNIT, '--source', 'tinh-b', '--json']);
    expect(named.code, named.stderr).to.equal(0);
    expect(JSON.parse(named.stdout).transfer.source).to.equal('tinh-b');
    expect((await stagedB()).map((r) => r.citizen_no)).to.include(data.soDinhDanh);
    expect((await stagedA()).map((r) => r.so_cccd)).not.to.include(data.soDinhDanh);
  });

  it('refuses an unknown code, an unknown source, and a person active in the other source', async function () {
    const data = record(904).data;
    await hold(data);
    const unknown = await world.cli(['pull', data.soDinhDanh, '--unit', '000.00.99.H26']);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.contain('transfer.unit_unknown');
    const noSource = await world.cli(['pull', data.soDinhDanh, '--unit', nhansuUnit, '--source', 'tinh-z']);
    expect(noSource.code).to.equal(2);
    expect(noSource.stderr).to.contain('transfer.source_unknown');

    // Active in tinh-a (qlcb), pulled to a unit of tinh-b: one province, one employer.
    const active = await world.cli(['pull', activeInA, '--unit', nhansuUnit]);
    expect(active.code).to.equal(1);
    expect(active.stderr).to.contain('transfer.already_active').and.contain('tinh-a');
    expect((await stagedB()).map((r) => r.citizen_no)).not.to.include(activeInA);
    expect(await entries(activeInA)).to.deep.equal([{ action: 'transfer.pull', outcome: 'refused', code: 'transfer.already_active', source: 'tinh-b' }]);
  });
});
