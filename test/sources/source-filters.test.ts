import { expect } from 'chai';
import { startMergedWorld, type MergedWorld } from './merged-world.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- CLI JSON is a known shape */
/**
 * `mapping gaps` and `tx person` in a merged province, on two real PostgreSQL databases and the
 * built CLI: gaps are read from every source through its own mapping, each naming its source,
 * and `--source` keeps one; `tx person --source` shows only that source's versions, though
 * vendor ids collide across the two databases (both have person 1, 2...).
 */
describe('merged province: mapping gaps and tx person by source', function () {
  this.timeout(300_000);
  let w: MergedWorld;

  before(async function () {
    w = await startMergedWorld(8);
    // tinh-b's people are its own (another serial in each số định danh): no conflicts.
    await w.nhansu.db.query(
      "UPDATE nhansu.employee SET citizen_id = left(regexp_replace(citizen_id, '[^0-9]', '', 'g'), 6) || '9999' || lpad(emp_id::text, 2, '0')");
    // A value nhansu's mapping cannot know, so tinh-b has a gap of its own.
    await w.nhansu.db.query("UPDATE nhansu.employee SET birth_province = 'Tỉnh Xa Lạ Mới' WHERE emp_id = (SELECT min(emp_id) FROM nhansu.employee)");
    const run = await w.cli(['sync', '--json']);
    expect(run.code, run.stderr).to.equal(0);
  });
  after(async function () {
    await w?.close();
  });

  it('mapping gaps reads every source through its own mapping, each gap naming its source; --source keeps one', async function () {
    const all = await w.cli(['mapping', 'gaps', '--json']);
    expect(all.code, all.stderr).to.equal(0);
    const gaps = JSON.parse(all.stdout) as any[];
    expect(gaps.every((g) => g.sourceName === 'tinh-a' || g.sourceName === 'tinh-b')).to.equal(true);
    expect(gaps.some((g) => g.sourceName === 'tinh-b' && g.value === 'Tỉnh Xa Lạ Mới' && g.source.startsWith('nhansu.'))).to.equal(true);
    expect(gaps.filter((g) => g.sourceName === 'tinh-a').every((g) => g.source.startsWith('qlcb.') || g.list === 'don_vi')).to.equal(true);

    const one = await w.cli(['mapping', 'gaps', '--source', 'tinh-b', '--json']);
    expect(one.code, one.stderr).to.equal(0);
    expect(JSON.parse(one.stdout)).to.deep.equal(gaps.filter((g) => g.sourceName === 'tinh-b'));
    const text = await w.cli(['mapping', 'gaps', '--source', 'tinh-b']);
    expect(text.stdout).to.contain('source tinh-b (nhansu)').and.contain('Tỉnh Xa Lạ Mới').and.not.contain('source tinh-a');

    const unknown = await w.cli(['mapping', 'gaps', '--source', 'tinh-z']);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.contain("no source named 'tinh-z'");
  });

  it('tx person --source shows that source\'s versions only, though the vendor id is both sources\'', async function () {
    const shared = await w.store.db.query<{ vendor_id: string }>(
      `SELECT vendor_id FROM csdl_gateway.record_versions GROUP BY vendor_id HAVING count(DISTINCT source) = 2 ORDER BY vendor_id LIMIT 1`);
    const vendorId = shared.rows[0]!.vendor_id;
    const both = await w.cli(['tx', 'person', '--vendor-id', vendorId, '--json']);
    expect(both.code, both.stderr).to.equal(0);
    const mixed = (JSON.parse(both.stdout).people as any[]).flatMap((p) => p.versions.map((v: any) => v.source));
    expect(new Set(mixed)).to.deep.equal(new Set(['tinh-a', 'tinh-b']));

    for (const source of ['tinh-a', 'tinh-b']) {
      const run = await w.cli(['tx', 'person', '--vendor-id', vendorId, '--source', source, '--json']);
      expect(run.code, run.stderr).to.equal(0);
      const people = JSON.parse(run.stdout).people as any[];
      expect(people).to.have.length(1);
      expect(people[0].versions.length).to.be.greaterThan(0);
      expect(people[0].versions.every((v: any) => v.source === source)).to.equal(true);
      expect(people[0].inSource).to.equal(true);
    }
    const text = await w.cli(['tx', 'person', '--vendor-id', vendorId, '--source', 'tinh-b']);
    expect(text.stdout).to.contain(`vendor id tinh-b/${vendorId}`);

    // A person of tinh-b only, asked of tinh-a: not found there.
    const bOnly = (await w.store.db.query<{ sdd: string }>("SELECT so_dinh_danh AS sdd FROM csdl_gateway.record_versions WHERE source = 'tinh-b' AND so_dinh_danh IS NOT NULL LIMIT 1")).rows[0]!.sdd;
    const missing = await w.cli(['tx', 'person', bOnly, '--source', 'tinh-a']);
    expect(missing.code).to.not.equal(0);
    expect(missing.stderr).to.contain('ops.person_not_found');
    const found = await w.cli(['tx', 'person', bOnly, '--source', 'tinh-b', '--json']);
    expect(found.code, found.stderr).to.equal(0);
    expect(JSON.parse(found.stdout).people[0].soDinhDanh).to.equal(bOnly);
  });
});
