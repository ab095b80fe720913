import { expect } from 'chai';
import { generateNhansu } from '../../src/demo/nhansu/generate-nhansu.js';
import { installNhansuSchema } from '../../src/demo/nhansu/nhansu-schema.js';
import { loadMapping } from '../../src/mapping/mapping-loader.js';
import { readAbbreviations } from '../../src/mapping-gaps/abbreviations-file.js';
import { findGaps } from '../../src/mapping-gaps/gaps-service.js';
import { freshDatabase, type TestDatabase } from '../setup/databases.js';

/**
 * `mapping gaps` on the second vendor: its coded values are lookup codes, so a gap is a lookup
 * row's label, named with the row it comes from. Generated people carry only spellings the
 * shipped nhansu mapping knows; the labels added here by hand are the gaps, counted over live
 * people only (the mapping's filter leaves the soft-deleted out).
 */
describe('nhansu: mapping gaps', function () {
  this.timeout(120_000);
  const mapping = loadMapping('mappings/nhansu');
  let t: TestDatabase;
  let live: number[];
  let deleted: number;

  before(async function () {
    t = await freshDatabase('postgres');
    await installNhansuSchema(t.db);
    await generateNhansu(t.db, { people: 300, seed: 3 });
    const q = t.db;
    live = (await q.query<{ emp_id: number }>('SELECT emp_id FROM nhansu.employee WHERE NOT is_deleted ORDER BY emp_id LIMIT 4')).rows.map((r) => r.emp_id);
    deleted = (await q.query<{ emp_id: number }>('SELECT emp_id FROM nhansu.employee WHERE is_deleted ORDER BY emp_id LIMIT 1')).rows[0]!.emp_id;
    await q.query(`INSERT INTO nhansu.lk_item (item_code, item_group, item_label) VALUES ('CM90', 'CHUYEN_MON', 'ThSQLHC'), ('CT90', 'CHINH_TRI', 'CC.LLCT'), ('DG90', 'DANH_GIA', 'HT.XS.NV')`);
    await q.query(`INSERT INTO nhansu.lk_religion (religion_code, religion_name) VALUES ('HG', 'Hồi giáo (Islam)')`);
    await q.query(`UPDATE nhansu.employee SET prof_code = 'CM90' WHERE emp_id = ANY($1::int[])`, [[live[0], live[1], live[2], deleted]]);
    await q.query(`UPDATE nhansu.employee SET politics_code = 'CT90', religion_code = 'HG' WHERE emp_id = $1`, [live[3]]);
    await q.query(`INSERT INTO nhansu.yearly_review (emp_id, review_year, result_code) VALUES ($1, 2025, 'DG90'), ($2, 2025, 'DG90')`, [live[0], deleted]);
  });
  after(async function () {
    await t?.drop();
  });

  it('lists exactly the labels the mapping does not know, with their live people and the right first suggestion', async function () {
    const gaps = await findGaps(t.db, mapping, readAbbreviations());
    const shown = gaps.map((g) => ({ list: g.list, source: g.source, value: g.value, people: g.people, examples: g.examples, first: g.suggestions[0]?.code }));
    expect(shown).to.have.deep.members([
      { list: 'ly-luan-chinh-tri', source: 'nhansu.employee.politics_code -> politics.item_label', value: 'CC.LLCT', people: 1, examples: [String(live[3])], first: 'CC' },
      { list: 'ton-giao', source: 'nhansu.employee.religion_code -> religion.religion_name', value: 'Hồi giáo (Islam)', people: 1, examples: [String(live[3])], first: '06' },
      { list: 'trinh-do-chuyen-mon', source: 'nhansu.employee.prof_code -> degree.item_label', value: 'ThSQLHC', people: 3, examples: live.slice(0, 3).map(String), first: 'THS' },
      { list: 'xep-loai', source: 'nhansu.yearly_review.result_code -> appraisal.item_label', value: 'HT.XS.NV', people: 1, examples: [String(live[0])], first: 'HTXSNV' },
    ]);
  });
});
