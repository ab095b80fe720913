import { expect } from 'chai';
import { loadMapping } from '../../src/mapping/mapping-loader.js';
import { mapPerson, reverseMap } from '../../src/mapping/person-mapper.js';
import type { ReferenceData, SourcePerson } from '../../src/mapping/mapping-types.js';
import type { TestDatabase } from '../setup/databases.js';
import { readAll, sampleDatabase } from './sample-database.js';

/**
 * Reverse mapping: national record -> ho_so in the vendor's terms, and back.
 * Runs on PGlite only: the reverse mapping is pure; the database just supplies the reference.
 */
describe('reverse mapping to qlcb.tiep_nhan_chuyen_den.ho_so', function () {
  this.timeout(60_000);
  const mapping = loadMapping('mappings/qlcb');
  let t: TestDatabase;
  let persons: SourcePerson[];
  let reference: ReferenceData;

  before(async function () {
    t = await sampleDatabase('pglite');
    const read = await readAll(t, mapping, { all: true }, 100);
    persons = read.persons;
    reference = read.reference as ReferenceData;
  });
  after(async function () {
    await t?.drop();
  });

  function recordOf(vendorId: string): Record<string, unknown> {
    const result = mapPerson(mapping, persons.find((p) => p.vendorId === vendorId) as SourcePerson, reference);
    if (!result.ok) throw new Error(`person ${vendorId} does not map: ${JSON.stringify(result.errors)}`);
    return result.record;
  }

  it('round-trips every valid sample person: national -> vendor -> national is the original', function () {
    let checked = 0;
    for (const person of persons) {
      const forward = mapPerson(mapping, person, reference);
      if (!forward.ok) continue;
      const { hoSo, warnings } = reverseMap(mapping, forward.record, reference);
      expect(warnings, `person ${person.vendorId}`).to.deep.equal([]);
      const again = mapPerson(mapping, { vendorId: person.vendorId, doc: hoSo }, reference);
      expect(again.ok && again.record, `person ${person.vendorId}`).to.deep.equal(forward.record);
      checked += 1;
    }
    expect(checked).to.equal(9);
  });

  it('writes vendor column names, vendor codes and vendor text dates', function () {
    const { hoSo } = reverseMap(mapping, recordOf('3'), reference);
    expect(hoSo).to.deep.include({
      so_cccd: '026190007777', ngay_sinh: '00/05/1990', gioi_tinh: 0, dan_toc_id: 1, loai_can_bo: 'VC',
      don_vi_id: 6, trang_thai: 'DANG_LAM', ngach_id: 7, he_so_luong: 3, ton_giao: 'Không',
      noi_sinh: 'Thị trấn Hương Canh', noi_sinh_tinh: 'Vĩnh Phúc', trinh_do_chuyen_mon: 'Đại học',
    });
    expect(hoSo.danh_gia).to.deep.equal([{ nam: 2024, xep_loai: 'Hoàn thành nhiệm vụ' }]);
    expect(hoSo.qua_trinh_cong_tac).to.deep.equal([]);
    expect(hoSo.hop_dong).to.deep.equal([]);
  });

  it('writes periods as mm/yyyy or yyyy, the current rank row for a superseded code, and HD with its contract', function () {
    expect(reverseMap(mapping, recordOf('2'), reference).hoSo.qua_trinh_cong_tac).to.deep.equal([
      { tu_ngay: '2001', den_ngay: '12/2004', don_vi: 'UBND thành phố Vĩnh Yên', chuc_vu: 'Chuyên viên' },
      { tu_ngay: '01/2005', don_vi: 'Sở Nội vụ tỉnh Vĩnh Phúc', chuc_vu: 'Trưởng phòng' },
    ]);
    expect(reverseMap(mapping, recordOf('8'), reference).hoSo.ngach_id).to.equal(7);
    const hd = reverseMap(mapping, recordOf('9'), reference).hoSo;
    expect(hd.loai_can_bo).to.equal('HD');
    expect(hd.hop_dong).to.deep.equal([{
      so_hop_dong: '15/2024/HĐLĐ', loai: 'XDTH', ngay_ky: '2024-01-02', tu_ngay: '2024-01-02', den_ngay: '2026-12-31', cong_viec: 'Lái xe', muc_luong: 6500000,
    }]);
  });

  it('keeps a national code the vendor has no value for, with a warning', function () {
    const record = {
      ...recordOf('1'),
      danToc: { ma: '11', ten: 'Ngái' },
      donViSuDung: '000.00.99.H01',
      noiSinh: { tinh: { ma: '01', ten: 'Hà Nội' }, chiTiet: 'Phường Kim Mã' },
    };
    const removed = reference.tables.get('dan_toc');
    // The sample's vendor list has Ngái (43); a list without it has no value for 11.
    const withoutNgai: ReferenceData = {
      tables: new Map([...reference.tables, ['dan_toc', new Map([...(removed ?? [])].filter(([, row]) => row.ten !== 'Ngái'))]]),
    };
    const { hoSo, warnings } = reverseMap(mapping, record, withoutNgai);
    expect(hoSo.dan_toc_id).to.deep.equal({ ma: '11', ten: 'Ngái' });
    expect(hoSo.don_vi_id).to.deep.equal({ ma: '000.00.99.H01' });
    expect(hoSo.noi_sinh).to.equal('Phường Kim Mã');
    expect(hoSo.noi_sinh_tinh).to.equal('Hà Nội');
    expect(warnings.map((w) => [w.code, w.path, w.source])).to.deep.equal([
      ['mapping.no_vendor_value', '/dan_toc_id', '/danToc'],
      ['mapping.no_vendor_value', '/don_vi_id', '/donViSuDung'],
    ]);
  });

  it('leaves a vendor date column empty, with a warning, for a national date without its day; a birth date keeps 00', function () {
    const record = { ...recordOf('1'), ngaySinh: '1990-05', ngayTuyenDung: '2010-05', ngayVaoCoQuan: '2010' };
    const { hoSo, warnings } = reverseMap(mapping, record, reference);
    expect(hoSo.ngay_sinh).to.equal('00/05/1990');
    expect(hoSo).not.to.have.property('ngay_tuyen_dung');
    expect(hoSo).not.to.have.property('ngay_vao_co_quan');
    expect(warnings.map((w) => [w.code, w.path, w.source])).to.deep.equal([
      ['mapping.date_partial', '/ngay_tuyen_dung', '/ngayTuyenDung'],
      ['mapping.date_partial', '/ngay_vao_co_quan', '/ngayVaoCoQuan'],
    ]);
  });
});
