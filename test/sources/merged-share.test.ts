import { expect } from 'chai';
import { nationalContract } from '../../src/contract/national-contract.js';
import { createPayloadCodec } from '../../src/encoding/payload-codec.js';
import { loadMapping } from '../../src/mapping/mapping-loader.js';
import { createClientAdmin } from '../../src/share/client-admin.js';
import { refreshSharedRecords, type RefreshSource } from '../../src/share/shared-records-refresh.js';
import { createCmsSigner } from '../../src/signing/cms-signer.js';
import { defaultGrant, startShareApp, type ShareApp } from '../share/share-harness.js';
import { devPki, PROVINCE } from '../simulator/simulator-harness.js';
import { startMergedWorld, type MergedWorld } from './merged-world.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- answers are known JSON */
/**
 * Sharing in a merged province, on two real PostgreSQL databases synced by the built CLI:
 * tinh-a (qlcb, units coded H62, its root the province's own code) and tinh-b (nhansu, its
 * units recoded H26: the tree of another old province, people of its own). The refresh joins
 * both trees under the province's root: a grant on the root sees the people of both, a grant
 * on a unit of tinh-b only that subtree, and no answer names a source. Each source's person
 * filter withholds its own people only, though vendor ids collide across the two databases.
 */
const B_ROOT = '000.00.00.H26';

describe('merged province: sharing answers from every source under one root', function () {
  this.timeout(300_000);
  let w: MergedWorld;
  let app: ShareApp;
  let codes = 0;
  const sources: RefreshSource[] = [];
  const refresh = () => refreshSharedRecords(w.store.db, createPayloadCodec(nationalContract()), { sources, provinceRoot: PROVINCE });

  async function token(units: string[]): Promise<string> {
    const code = `000.00.${String(40 + (codes += 1)).padStart(2, '0')}.G01`;
    const admin = createClientAdmin(w.store.db);
    const secret = await admin.add(code, `client ${code}`);
    await admin.grant(code, defaultGrant({ units }));
    const r = await app.token(code, secret);
    expect(r.status, r.text).to.equal(200);
    return r.body.access_token as string;
  }
  const listing = async (unit: string, tok: string) => {
    const r = await app.get(`/share/v1/units/${unit}/officials?includeSubunits=true&pageSize=200`, { token: tok });
    expect(r.status, r.text).to.equal(200);
    return r;
  };
  const served = async (where: string, values: unknown[] = []) =>
    (await w.store.db.query<{ so_dinh_danh: string }>(`SELECT so_dinh_danh FROM csdl_gateway.shared_records WHERE ${where} ORDER BY 1`, values)).rows.map((r) => r.so_dinh_danh);

  before(async function () {
    w = await startMergedWorld(10);
    // tinh-b: another old province's tree, and people of its own (another serial in each số định danh).
    await w.nhansu.db.query("UPDATE nhansu.org_unit SET agency_code = replace(agency_code, 'H62', 'H26')");
    await w.nhansu.db.query(
      "UPDATE nhansu.employee SET citizen_id = left(regexp_replace(citizen_id, '[^0-9]', '', 'g'), 6) || '9999' || lpad(emp_id::text, 2, '0')");
    const run = await w.cli(['sync', '--json']);
    expect(run.code, run.stderr).to.equal(0);
    for (const [name, db, mapping] of [['tinh-a', w.qlcb.db, 'mappings/qlcb'], ['tinh-b', w.nhansu.db, 'mappings/nhansu']] as const) {
      const compiled = loadMapping(mapping);
      sources.push({ name, db: () => Promise.resolve(db), mapping: () => compiled });
    }
    const summary = await refresh();
    expect(summary.unitsError).to.equal(undefined);
    expect(summary.records).to.be.greaterThan(0);
    const pki = await devPki();
    app = await startShareApp(w.store.db, createCmsSigner(pki.ministry));
  });
  after(async function () {
    await app?.close();
    await w?.close();
  });

  it('a grant on the province\'s root sees the people of both sources, and no answer names a source', async function () {
    const inA = await served("unit_code LIKE '%.H62'");
    const inB = await served("unit_code LIKE '%.H26'");
    expect(inA.length).to.be.greaterThan(0);
    expect(inB.length).to.be.greaterThan(0);
    const r = await listing(PROVINCE, await token([PROVINCE]));
    expect(r.body.items.map((i: any) => i.soDinhDanh).sort()).to.deep.equal([...inA, ...inB].sort());
    for (const name of ['tinh-a', 'tinh-b', 'qlcb', 'nhansu', '"source"']) expect(r.text).not.to.include(name);
    const one = await app.get(`/share/v1/officials/${inB[0]}`, { token: await token([PROVINCE]) });
    expect(one.status, one.text).to.equal(200);
    for (const name of ['tinh-a', 'tinh-b', 'qlcb', 'nhansu', '"source"']) expect(one.text).not.to.include(name);
  });

  it('a grant on a unit of the second source sees that subtree only', async function () {
    const bOnly = await token([B_ROOT]);
    const r = await listing(B_ROOT, bOnly);
    expect(r.body.items.map((i: any) => i.soDinhDanh).sort()).to.deep.equal(await served("unit_code LIKE '%.H26'"));
    const aPerson = (await served("unit_code LIKE '%.H62'"))[0]!;
    const outside = await app.get(`/share/v1/officials/${aPerson}`, { token: bOnly });
    expect(outside.status).to.be.oneOf([403, 404]);
    const denied = await app.get(`/share/v1/units/${PROVINCE}/officials?includeSubunits=true`, { token: bOnly });
    expect(denied.status).to.equal(403);
    // A department of tinh-b: only its own subtree.
    const dept = (await w.store.db.query<{ d: string }>(
      "SELECT descendant AS d FROM csdl_gateway.share_unit_tree WHERE ancestor = $1 AND descendant <> $1 AND descendant LIKE '%.H26' ORDER BY 1 LIMIT 1", [B_ROOT])).rows[0]!.d;
    const under = (await w.store.db.query<{ d: string }>('SELECT descendant AS d FROM csdl_gateway.share_unit_tree WHERE ancestor = $1', [dept])).rows.map((x) => x.d);
    const d = await listing(dept, await token([dept]));
    expect(d.body.items.map((i: any) => i.soDinhDanh).sort()).to.deep.equal(await served('unit_code = ANY($1::text[])', [under]));
  });

  it('each source\'s person filter withholds its own people, though vendor ids collide', async function () {
    // nhansu's filter leaves out one of its served employees; qlcb's person with the same vendor id stays served.
    const servedNow = await served('true');
    const b = await w.nhansu.db.query<{ id: string; sdd: string }>("SELECT emp_id::text AS id, regexp_replace(citizen_id, '[^0-9]', '', 'g') AS sdd FROM nhansu.employee ORDER BY emp_id");
    const a = await w.qlcb.db.query<{ id: string; sdd: string }>('SELECT id::text AS id, so_cccd AS sdd FROM qlcb.can_bo ORDER BY id');
    const aById = new Map(a.rows.map((r) => [r.id, r.sdd]));
    const pair = b.rows.find((r) => servedNow.includes(r.sdd) && servedNow.includes(aById.get(r.id) ?? ''));
    expect(pair, 'a vendor id both sources use, each person served').not.to.equal(undefined);
    const vendorId = pair!.id;
    const bPerson = pair!.sdd;
    const aPerson = aById.get(vendorId)!;
    await w.nhansu.db.query('UPDATE nhansu.employee SET is_deleted = true WHERE emp_id = $1', [vendorId]);
    const summary = await refresh();
    expect(summary.filterError).to.equal(undefined);
    expect(summary.withheld).to.equal(1);
    expect(await served('true')).not.to.include(bPerson);
    expect(await served('true')).to.include(aPerson);
    const withheld = await w.store.db.query('SELECT so_dinh_danh, vendor_id, source FROM csdl_gateway.shared_records_withheld');
    expect(withheld.rows).to.deep.equal([{ so_dinh_danh: bPerson, vendor_id: vendorId, source: 'tinh-b' }]);
    await w.nhansu.db.query('UPDATE nhansu.employee SET is_deleted = false WHERE emp_id = $1', [vendorId]);
    expect((await refresh()).restored).to.equal(1);
    expect(await served('true')).to.include.members([bPerson, aPerson]);
  });

  it('keeps the joined tree while a source cannot be read, and says which', async function () {
    const before = await w.store.db.query('SELECT count(*)::int AS n FROM csdl_gateway.share_unit_tree');
    const away = { name: 'tinh-b', db: () => Promise.reject(new Error('connection refused')), mapping: sources[1]!.mapping };
    const summary = await refreshSharedRecords(w.store.db, createPayloadCodec(nationalContract()), { sources: [sources[0]!, away], provinceRoot: PROVINCE });
    expect(summary.unitsError).to.contain('tinh-b');
    expect(summary.filterError).to.contain('tinh-b');
    expect((await w.store.db.query('SELECT count(*)::int AS n FROM csdl_gateway.share_unit_tree')).rows).to.deep.equal(before.rows);
  });
});
