import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { loadMapping } from '../../src/mapping/mapping-loader.js';
import { mapRawChunk } from '../../src/mapping/mapped-person.js';
import { mapPerson } from '../../src/mapping/person-mapper.js';
import type { MapResult, ReferenceData } from '../../src/mapping/mapping-types.js';
import { paths } from '../../src/paths.js';

/**
 * The qlcb mapping's rules on hand-made documents (no database): code lists by name with
 * synonyms, provinces old and new, units and their successors, ranks, staff types, statuses.
 */
const mapping = loadMapping('mappings/qlcb');

function rowsOf(entries: [string, Record<string, unknown>][]): Map<string, Record<string, unknown>> {
  return new Map(entries);
}

// The vendor's ethnicity list as sample.sql writes it: its own numbering and spellings.
const danToc = [...readFileSync(paths.provincialSampleSql, 'utf8').matchAll(/\((\d+), '([^']+)'\)/gu)]
  .slice(0, 55)
  .map((m) => [m[1] as string, { id: Number(m[1]), ten: m[2] }] as [string, Record<string, unknown>]);

const reference: ReferenceData = {
  tables: new Map([
    ['don_vi', rowsOf([
      ['1', { id: 1, ma_dinh_danh: '000.00.00.H62', don_vi_cha_id: null, thay_the_boi_id: null }],
      ['2', { id: 2, ma_dinh_danh: '000.00.05.H62', don_vi_cha_id: 1, thay_the_boi_id: null }],
      ['5', { id: 5, ma_dinh_danh: '000.00.21.H62', don_vi_cha_id: 1, thay_the_boi_id: 1 }],
      ['9', { id: 9, ma_dinh_danh: null, don_vi_cha_id: 5, thay_the_boi_id: 2 }],
      ['11', { id: 11, ma_dinh_danh: null, don_vi_cha_id: 1, thay_the_boi_id: null }],
    ])],
    ['ngach', rowsOf([
      ['3', { id: 3, ma_ngach: '01.003', loai: 'CC' }],
      ['10', { id: 10, ma_ngach: '15.114', loai: 'VC' }],
      ['11', { id: 11, ma_ngach: 'V.07.03.08', loai: 'VC' }],
      ['13', { id: 13, ma_ngach: 'V.07.03.07', loai: 'VC' }],
      ['12', { id: 12, ma_ngach: '99.999', loai: 'CC' }],
    ])],
    ['dan_toc', rowsOf(danToc)],
  ]),
};

const base = {
  so_cccd: '026185001234', ho_ten: 'Nguyễn Thị Thu Hà', ngay_sinh: '14/03/1985', gioi_tinh: 0,
  dan_toc_id: 1, ton_giao: 'Không', loai_can_bo: 'CC', don_vi_id: 2, trang_thai: 'DANG_LAM',
  ngach_id: 3, bac_luong: 5, he_so_luong: '3.66', ngay_huong_luong: '2023-09-01',
};

function map(doc: Record<string, unknown>): MapResult {
  return mapPerson(mapping, { vendorId: '1', doc: { ...base, ...doc } }, reference);
}

function record(doc: Record<string, unknown>): Record<string, unknown> {
  const result = map(doc);
  if (!result.ok) throw new Error(`not ok: ${JSON.stringify(result.errors)}`);
  return result.record;
}

describe('qlcb mapping rules', function () {
  it('maps every ethnicity of the vendor list by name, never by its number', function () {
    const expected: Record<string, string> = { 'Mông': '08', 'Khmer': '05', 'Hoa': '04', 'Mường': '06', 'Ê Đê': '12', 'Giẻ-Triêng': '27', 'Nước ngoài': '55', 'Tà Ôi': '31' };
    for (const [id, row] of danToc) {
      const result = map({ dan_toc_id: Number(id) });
      expect(result.ok, `${String(row.ten)}: ${JSON.stringify(!result.ok && result.errors)}`).to.equal(true);
      const code = result.ok ? (result.record.danToc as { ma: string }).ma : '';
      const name = String(row.ten);
      if (expected[name]) expect(code, name).to.equal(expected[name]);
    }
  });

  it('writes provinces typed old or new as the current province, keeping the text in chiTiet', function () {
    const cases: [string, string][] = [
      ['Vĩnh Phúc', '25'], ['Yên Bái', '15'], ['TP HCM', '79'], ['Thừa Thiên Huế', '46'], ['Huế', '46'],
      ['tỉnh  Sơn La', '14'], ['Bắc Giang', '24'], ['Hà Tây', '01'], ['Lào Cai', '15'], ['Thành phố Hồ Chí Minh', '79'],
    ];
    for (const [typed, code] of cases) {
      const r = record({ noi_sinh: 'Xã Tam Hợp', noi_sinh_tinh: typed });
      expect((r.noiSinh as { tinh: { ma: string } }).tinh.ma, typed).to.equal(code);
      expect((r.noiSinh as { chiTiet: string }).chiTiet).to.equal(`Xã Tam Hợp, ${typed.replace(/\s+/g, ' ')}`);
    }
  });

  it('reports a province it cannot place, naming the vendor column', function () {
    const result = map({ noi_sinh_tinh: 'Atlantis' });
    expect(result.ok).to.equal(false);
    expect(!result.ok && result.errors.map(({ code, path, source }) => ({ code, path, source }))).to.deep.equal([
      { code: 'mapping.code_unknown', path: '/noiSinh/tinh', source: 'qlcb.can_bo.noi_sinh_tinh' },
    ]);
  });

  it('follows thay_the_boi_id from a closed unit, and climbs to the root for coQuanQuanLy', function () {
    const r = record({ don_vi_id: 9 });
    expect(r.donViSuDung).to.equal('000.00.05.H62');
    expect(r.coQuanQuanLy).to.equal('000.00.00.H62');
    expect(record({ don_vi_id: 5 }).donViSuDung).to.equal('000.00.00.H62');
  });

  it('refuses a unit without an agency code and an unknown unit', function () {
    const missing = map({ don_vi_id: 11 });
    expect(!missing.ok && missing.errors.map((e) => [e.code, e.path])).to.deep.equal([['mapping.unit_code_missing', '/donViSuDung']]);
    const unknown = map({ don_vi_id: 77 });
    // Both agency fields read the same unit: one problem, reported once.
    expect(!unknown.ok && unknown.errors.map((e) => e.code)).to.deep.equal(['mapping.unit_unknown']);
  });

  it('maps superseded rank codes to current ones, and reports unknown ones', function () {
    const old = record({ loai_can_bo: 'VC', ngach_id: 10, bac_luong: 2, he_so_luong: 2.67 });
    expect(old.luong).to.deep.include({ chucDanhNgheNghiep: { ma: 'V.07.03.29', ten: 'Giáo viên tiểu học hạng III' } });
    // TT 02/2021/TT-BGDĐT: the 2015 hạng III V.07.03.08 becomes V.07.03.29 (group A1), the
    // 2015 hạng II V.07.03.07 becomes V.07.03.28 (group A2.2).
    expect(record({ loai_can_bo: 'VC', ngach_id: 11, bac_luong: 2, he_so_luong: 2.67 }).luong)
      .to.deep.include({ chucDanhNgheNghiep: { ma: 'V.07.03.29', ten: 'Giáo viên tiểu học hạng III' } });
    expect(record({ loai_can_bo: 'VC', ngach_id: 13, bac_luong: 2, he_so_luong: 4.34 }).luong)
      .to.deep.include({ chucDanhNgheNghiep: { ma: 'V.07.03.28', ten: 'Giáo viên tiểu học hạng II' } });
    const unknown = map({ ngach_id: 12 });
    expect(!unknown.ok && unknown.errors.map((e) => [e.code, e.path, e.source])).to.deep.equal([
      ['mapping.code_unknown', '/luong/ngach', 'qlcb.can_bo.ngach_id'],
    ]);
  });

  it('turns CHUYEN_DI into CHUYEN_CONG_TAC and HD staff into NLD with their latest contract', function () {
    expect(record({ trang_thai: 'CHUYEN_DI', ngay_nghi: '2026-10-15' }).tinhTrang).to.deep.equal({
      ma: 'CHUYEN_CONG_TAC', ten: 'Chuyển công tác ra khỏi cơ quan nhà nước hoặc ra ngoài hệ thống',
    });
    const nld = record({
      loai_can_bo: 'HD', ngach_id: null,
      hop_dong: [{ so_hop_dong: '2/2025', loai: 'KXDTH', ngay_ky: '2025-01-02', tu_ngay: '2025-01-02', den_ngay: null, cong_viec: 'Bảo vệ', muc_luong: '5000000' }],
    });
    expect(nld.loaiNhanSu).to.deep.equal({ ma: 'NLD', ten: 'Người lao động (hợp đồng)' });
    expect(nld.luong).to.equal(undefined);
    expect(nld.hopDong).to.deep.equal({
      so: '2/2025', loai: { ma: 'KXDTH', ten: 'Không xác định thời hạn' }, ngayKy: '2025-01-02', tuNgay: '2025-01-02', congViec: 'Bảo vệ', mucLuong: 5000000,
    });
  });

  it('reports an HD person without a contract through the national rule', function () {
    const result = map({ loai_can_bo: 'HD', ngach_id: null });
    expect(!result.ok && result.errors.map((e) => [e.code, e.path])).to.deep.equal([['RULE_VIOLATION', '/hopDong']]);
  });

  it('converts numeric text to JSON numbers and free text to codes', function () {
    const r = record({ he_so_luong: '3.66', ton_giao: 'Phật', trinh_do_chuyen_mon: 'Thạc sỹ', ly_luan_chinh_tri: '', trinh_do_pho_thong: '12' });
    expect((r.luong as { heSo: unknown }).heSo).to.equal(3.66);
    expect(r.tonGiao).to.deep.equal({ ma: '01', ten: 'Phật giáo' });
    expect(r.trinhDo).to.deep.equal({ phoThong: '12/12', chuyenMon: { ma: 'THS', ten: 'Thạc sĩ' } });
    expect(record({ ton_giao: null }).tonGiao).to.deep.equal({ ma: '00', ten: 'Không' });
  });

  it('leaves out a phone it cannot read, with a warning', function () {
    const result = map({ dien_thoai: '12345' });
    expect(result.ok && result.record.soDienThoai).to.equal(undefined);
    expect(result.warnings.map((w) => [w.code, w.path, w.source])).to.deep.equal([['mapping.phone_invalid', '/soDienThoai', 'qlcb.can_bo.dien_thoai']]);
  });

  it('reports bad dates in history rows with the row index and the history column', function () {
    const result = map({ qua_trinh_cong_tac: [{ tu_ngay: '09/2009', don_vi: 'A' }, { tu_ngay: '31/31/2010', don_vi: 'B' }] });
    expect(!result.ok && result.errors.map((e) => [e.code, e.path, e.source])).to.deep.equal([
      ['mapping.date_invalid', '/quaTrinhCongTac/1/tuThang', 'qlcb.qua_trinh_cong_tac.tu_ngay'],
    ]);
  });

  it('never throws on a document of the wrong shape: the person gets errors', function () {
    const result = mapPerson(mapping, { vendorId: '7', doc: { qua_trinh_cong_tac: 'nonsense', ho_ten: 42 } }, reference);
    expect(result.ok).to.equal(false);
  });

  it('gives a failed person the số định danh its mapping made, even when a rule threw', function () {
    // A unit id no String() can convert makes the agency rule throw, after soDinhDanh was made.
    const docs = [{ so_cccd: '151234567' }, { don_vi_id: { toString: 1 } }, { so_cccd: null, ngay_sinh: '31/31/1985' }];
    const raws = docs.map((doc, i) => ({ vendorId: String(i + 1), json: JSON.stringify({ doc: { ...base, ...doc } }) }));
    const mapped = mapRawChunk(mapping, raws, reference, {});
    expect(mapped.map((m) => [m.ok, m.ok ? [] : m.errors.map((e) => e.code), m.soDinhDanh])).to.deep.equal([
      [false, ['SCHEMA_INVALID'], '151234567'],
      [false, ['mapping.failed'], '026185001234'],
      [false, ['mapping.date_invalid', 'SCHEMA_INVALID'], undefined],
    ]);
    expect(mapped[2]).to.not.have.property('soDinhDanh');
  });
});
