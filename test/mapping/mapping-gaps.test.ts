import { expect } from 'chai';
import { loadMapping } from '../../src/mapping/mapping-loader.js';
import { readAbbreviations } from '../../src/mapping-gaps/abbreviations-file.js';
import { codeColumns } from '../../src/mapping-gaps/code-columns.js';
import { formatGaps } from '../../src/mapping-gaps/gaps-format.js';
import { findGaps } from '../../src/mapping-gaps/gaps-service.js';
import type { TestDatabase } from '../setup/databases.js';
import { sampleDatabase } from './sample-database.js';

/**
 * `mapping gaps` on the sample database with values written by hand that the shipped mapping
 * does not know: a rank code with no current equivalent, a vendor ethnicity name, free text,
 * an assessment in a history table, a unit with no agency code; each with its people.
 */
const mapping = loadMapping('mappings/qlcb');

describe('mapping gaps', function () {
  this.timeout(60_000);
  let t: TestDatabase;

  before(async function () {
    t = await sampleDatabase('postgres');
    const q = t.db;
    await q.query(`INSERT INTO qlcb.dm_ngach (id, ma_ngach, ten_ngach, loai) VALUES (60, 'V.07.03.06', 'Giáo viên tiểu học hạng I (mã cũ)', 'VC')`);
    await q.query(`UPDATE qlcb.can_bo SET ngach_id = 60 WHERE id IN (3, 8)`);
    await q.query(`INSERT INTO qlcb.dm_dan_toc (id, ten) VALUES (70, 'Kinh (Việt Nam)')`);
    await q.query(`UPDATE qlcb.can_bo SET dan_toc_id = 70 WHERE id = 1`);
    await q.query(`UPDATE qlcb.can_bo SET quan_ly_nha_nuoc = 'Bồi dưỡng QLNN ngạch CV' WHERE id IN (2, 10)`);
    await q.query(`INSERT INTO qlcb.danh_gia (can_bo_id, nam, xep_loai) VALUES (2, 2023, 'Hoàn thành tốt nhiệm vụ (2023)'), (2, 2024, 'Hoàn thành tốt nhiệm vụ (2023)')`);
    await q.query(`INSERT INTO qlcb.dm_don_vi (id, ma_dinh_danh, ten_don_vi, cap, don_vi_cha_id) VALUES (50, NULL, 'Tổ công tác', 3, 2)`);
    await q.query(`UPDATE qlcb.can_bo SET don_vi_id = 50 WHERE id IN (4, 11)`);
  });
  after(async function () {
    await t?.drop();
  });

  it('finds the columns that feed code lists and units in the mapping', function () {
    const { codes, units } = codeColumns(mapping.documents, mapping.source);
    const shown = codes.map((c) => `${c.table}.${c.column}${c.via ? ` -> ${c.via.table}.${c.via.column}` : ''}: ${c.lists.join(', ')}`).sort();
    expect(shown).to.deep.equal([
      'qlcb.can_bo.dan_toc_id -> dan_toc.ten: dan-toc',
      'qlcb.can_bo.gioi_tinh: gioi-tinh',
      'qlcb.can_bo.loai_can_bo: loai-nhan-su',
      'qlcb.can_bo.ly_luan_chinh_tri: ly-luan-chinh-tri',
      'qlcb.can_bo.ngach_id -> ngach.ma_ngach: ngach, chuc-danh-nghe-nghiep',
      'qlcb.can_bo.noi_sinh_tinh: tinh',
      'qlcb.can_bo.quan_ly_nha_nuoc: quan-ly-nha-nuoc',
      'qlcb.can_bo.que_quan_tinh: tinh',
      'qlcb.can_bo.ton_giao: ton-giao',
      'qlcb.can_bo.trang_thai: tinh-trang',
      'qlcb.can_bo.trinh_do_chuyen_mon: trinh-do-chuyen-mon',
      'qlcb.danh_gia.xep_loai: xep-loai',
      'qlcb.hop_dong.loai: loai-hop-dong',
    ]);
    expect(units.map((u) => [u.table, u.column, [...u.levels].sort()])).to.deep.equal([['qlcb.can_bo', 'don_vi_id', ['root', 'unit']]]);
  });

  it('lists every unknown value with its people, a few vendor ids and suggestions; units with no agency code', async function () {
    const columns: { done: number; total: number | undefined }[] = [];
    const gaps = await findGaps(t.db, mapping, readAbbreviations(), (e) => columns.push(e));
    // One event per vendor column examined, ending at the total.
    expect(columns.map((c) => c.done)).to.deep.equal(columns.map((_, i) => i + 1));
    expect(columns.at(-1)).to.deep.equal({ done: columns.length, total: columns.length });
    expect(gaps.map((g) => [g.list, g.source, g.value, g.people, g.examples, g.suggestions[0]?.code])).to.deep.equal([
      ['chuc-danh-nghe-nghiep', 'qlcb.can_bo.ngach_id -> ngach.ma_ngach', 'V.07.03.06', 2, ['3', '8'], gaps[0]?.suggestions[0]?.code],
      ['dan-toc', 'qlcb.can_bo.dan_toc_id -> dan_toc.ten', 'Kinh (Việt Nam)', 1, ['1'], '01'],
      ['don_vi', 'qlcb.can_bo.don_vi_id', '50', 2, ['4', '11'], undefined],
      ['quan-ly-nha-nuoc', 'qlcb.can_bo.quan_ly_nha_nuoc', 'Bồi dưỡng QLNN ngạch CV', 2, ['2', '10'], 'CV'],
      // Two rows of one person: one person.
      ['xep-loai', 'qlcb.danh_gia.xep_loai', 'Hoàn thành tốt nhiệm vụ (2023)', 1, ['2'], 'HTTNV'],
    ]);
    // A rank code is suggested from the list of ranks of its kind, here chức danh nghề nghiệp.
    expect(gaps[0]?.suggestions.every((s) => s.code.startsWith('V.'))).to.equal(true);
    const table = formatGaps(gaps);
    expect(table[0]).to.equal('mapping gaps: 5 unknown value(s), carried 8 time(s)');
    expect(table).to.include("  'Kinh (Việt Nam)'  1 people  e.g. 1  [qlcb.can_bo.dan_toc_id -> dan_toc.ten]");
    expect(table.some((l) => l.startsWith('units with no agency code'))).to.equal(true);
  });
});
