import { expect } from 'chai';
import { nationalContract } from '../../src/contract/national-contract.js';
import { createPayloadCodec } from '../../src/encoding/payload-codec.js';
import { refreshSharedRecords, type RefreshSummary } from '../../src/share/shared-records-refresh.js';
import { SERVED_COLUMNS } from '../../src/share/shared-record-store.js';
import { createClientAdmin } from '../../src/share/client-admin.js';
import { defaultGrant, startShareApp, type ShareApp } from '../share/share-harness.js';
import { startSyncWorld, type SyncWorld } from '../sync/sync-harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- answers are known JSON */
/**
 * Sharing on the second vendor: the unit tree is nhansu's own (org_unit, mappings/nhansu/
 * units.json), so a grant on a department covers exactly the people nhansu places in that
 * department's subtree. The expected people are computed here with SQL over nhansu's tables
 * (a closed unit stands for the unit it merged into) and the store's accepted versions.
 * The mapping's person filter (`NOT is_deleted`) holds for sharing too: a person marked deleted
 * after their record was accepted is no longer served, and is served again once unmarked.
 */
describe('nhansu: sharing with a unit subtree grant', function () {
  this.timeout(180_000);
  let w: SyncWorld;
  let app: ShareApp;
  let department: string;
  let inside: string[];
  let outsideUnit: string;
  const empOf = new Map<string, number>();
  const refresh = (): Promise<RefreshSummary> =>
    refreshSharedRecords(w.store.db, createPayloadCodec(nationalContract()), { source: w.source.db, units: w.mapping.units!, persons: w.mapping.source.persons });

  before(async function () {
    w = await startSyncWorld({ storeBackend: 'postgres', people: 200, vendor: 'nhansu' });
    await w.service().service.run();
    expect((await refresh()).withheld, 'deleted people are never sent, so none is withheld').to.equal(0);
    const accepted = new Set((await w.store.db.query<{ vendor_id: string }>(`SELECT DISTINCT vendor_id FROM csdl_gateway.record_versions WHERE status = 'accepted'`)).rows.map((r) => r.vendor_id));
    // Per department (level 2, open): the digits of the people whose current unit lies in its subtree.
    const res = await w.source.db.query<{ department: string; emp_id: number; digits: string }>(
      `WITH RECURSIVE chain AS (SELECT org_id AS start, org_id, merged_into FROM nhansu.org_unit
                                UNION ALL SELECT c.start, o.org_id, o.merged_into FROM chain c JOIN nhansu.org_unit o ON o.org_id = c.merged_into),
            current_unit AS (SELECT start, org_id FROM chain WHERE merged_into IS NULL),
            tree AS (SELECT org_id AS top, org_id FROM nhansu.org_unit WHERE org_level = 2 AND NOT closed
                     UNION ALL SELECT t.top, o.org_id FROM tree t JOIN nhansu.org_unit o ON o.parent_org_id = t.org_id)
       SELECT d.agency_code AS department, e.emp_id, translate(e.citizen_id, ' .-', '') AS digits
         FROM nhansu.employee e JOIN current_unit c ON c.start = e.org_id JOIN tree t ON t.org_id = c.org_id JOIN nhansu.org_unit d ON d.org_id = t.top`,
    );
    const byDepartment = new Map<string, string[]>();
    for (const r of res.rows) empOf.set(r.digits, r.emp_id);
    for (const r of res.rows) if (accepted.has(String(r.emp_id))) byDepartment.set(r.department, [...(byDepartment.get(r.department) ?? []), r.digits]);
    const ranked = [...byDepartment].sort((a, b) => b[1].length - a[1].length);
    [department, inside] = ranked[0]!;
    outsideUnit = ranked[1]![0];
    expect(inside.length, 'people under the granted department').to.be.within(4, 200);
    app = await startShareApp(w.store.db, w.sim.signer);
  });
  after(async function () {
    await app?.close();
    await w?.close();
  });

  async function tokenFor(units: string[]): Promise<string> {
    const admin = createClientAdmin(w.store.db);
    const code = `000.00.${String(60 + Math.floor(Math.random() * 30))}.H62`;
    const secret = await admin.add(code, 'nhansu test client');
    await admin.grant(code, defaultGrant({ units }));
    return (await app.token(code, secret)).body.access_token;
  }

  it('lists exactly the people in the granted department\'s subtree, and refuses a unit outside it', async function () {
    const token = await tokenFor([department]);
    const listing = await app.get(`/share/v1/units/${department}/officials?includeSubunits=true&pageSize=200`, { token });
    expect(listing.status, JSON.stringify(listing.body)).to.equal(200);
    expect(listing.body.items.map((i: any) => i.soDinhDanh).sort()).to.deep.equal([...inside].sort());
    const outside = await app.get(`/share/v1/units/${outsideUnit}/officials`, { token });
    expect([outside.status, outside.body.code]).to.deep.equal([403, 'share.unit_not_granted']);
    const one = await app.get(`/share/v1/officials/${inside[0]}`, { token });
    expect([one.status, one.body.soDinhDanh]).to.deep.equal([200, inside[0]]);
  });

  it('stops serving a person the filter leaves out after their record was accepted, as if never sent, and serves them again when it keeps them', async function () {
    const token = await tokenFor([department]);
    const person = inside[1]!;
    const emp = empOf.get(person)!;
    const unknown = '001099999999';
    expect((await w.store.db.query('SELECT 1 FROM csdl_gateway.shared_records WHERE so_dinh_danh = $1', [unknown])).rowCount).to.equal(0);
    const listed = async () => (await app.get(`/share/v1/units/${department}/officials?includeSubunits=true&pageSize=200`, { token })).body.items.map((i: any) => i.soDinhDanh);
    const before = await app.get(`/share/v1/officials/${person}`, { token });
    expect(before.status).to.equal(200);

    await w.source.db.query('UPDATE nhansu.employee SET is_deleted = true WHERE emp_id = $1', [emp]);
    expect(await refresh()).to.include({ withheld: 1, restored: 0 });
    const gone = await app.get(`/share/v1/officials/${person}`, { token });
    const never = await app.get(`/share/v1/officials/${unknown}`, { token });
    expect([gone.status, gone.body]).to.deep.equal([404, never.body]);
    expect(never.status).to.equal(404);
    expect(await listed()).to.not.include(person);
    expect(await refresh(), 'a second refresh finds nothing more to move').to.include({ withheld: 0, restored: 0 });

    await w.source.db.query('UPDATE nhansu.employee SET is_deleted = false WHERE emp_id = $1', [emp]);
    expect(await refresh()).to.include({ withheld: 0, restored: 1 });
    const back = await app.get(`/share/v1/officials/${person}`, { token });
    expect([back.status, back.body]).to.deep.equal([200, before.body]);
    expect(await listed()).to.include(person);
  });

  it('withholds a served record whole: the withheld table has every column of shared_records', async function () {
    const columns = async (table: string) => (await w.store.db.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = 'csdl_gateway' AND table_name = $1 ORDER BY ordinal_position`, [table],
    )).rows.map((r) => r.column_name);
    expect(await columns('shared_records')).to.deep.equal([...SERVED_COLUMNS]);
    expect(await columns('shared_records_withheld')).to.deep.equal([...SERVED_COLUMNS, 'vendor_id', 'withheld_at', 'source']);
  });
});
