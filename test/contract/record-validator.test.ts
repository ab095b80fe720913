import { expect } from 'chai';
import { nationalContract } from '../../src/contract/national-contract.js';
import type { RecordProblem } from '../../src/contract/national-rules.js';
import { createNationalValidator } from '../../src/contract/record-validator.js';
import { exampleOfficial, examplePacket } from './contract-examples.js';

/** Problems without their messages, for exact comparison; messages are checked separately. */
function codesAndPaths(problems: RecordProblem[]): { code: string; path: string }[] {
  return problems.map(({ code, path }) => ({ code, path }));
}

const NLD_CONTRACT = { so: '12/2024/HĐLĐ', loai: { ma: 'XDTH' }, ngayKy: '2024-01-02', tuNgay: '2024-01-02', congViec: 'Bảo vệ' };

describe('contract: national record validator', function () {
  const { validateRecord, validatePushRecord } = createNationalValidator(nationalContract());

  it('passes the contract\'s example record', function () {
    expect(validateRecord(exampleOfficial())).to.deep.equal([]);
  });

  describe('schema (SCHEMA_INVALID)', function () {
    it('reports schema problems with their paths', function () {
      const rec = exampleOfficial();
      delete rec.hoTen;
      rec.soBhxh = '12345';
      expect(codesAndPaths(validateRecord(rec))).to.have.deep.members([
        { code: 'SCHEMA_INVALID', path: '/hoTen' },
        { code: 'SCHEMA_INVALID', path: '/soBhxh' },
      ]);
    });

    it('does not throw on values that are not records at all', function () {
      expect(codesAndPaths(validateRecord(null))).to.deep.equal([{ code: 'SCHEMA_INVALID', path: '' }]);
      const odd = { luong: 'x', gioiTinh: 7, danhGia: 'y', loaiNhanSu: [] };
      expect(validateRecord(odd).every((p) => p.code === 'SCHEMA_INVALID')).to.equal(true);
    });
  });

  describe('code lists (CODE_UNKNOWN)', function () {
    it('rejects a code not in its list, naming the list', function () {
      const rec = exampleOfficial();
      rec.danToc.ma = '99';
      const problems = validateRecord(rec);
      expect(codesAndPaths(problems)).to.deep.equal([{ code: 'CODE_UNKNOWN', path: '/danToc/ma' }]);
      expect(problems[0]?.message).to.equal("code '99' is not in the national list 'dan-toc'");
    });

    it('finds code fields nested in objects and inside array items', function () {
      const rec = exampleOfficial();
      rec.noiSinh.tinh.ma = '26'; // Vĩnh Phúc's old code: merged into Phú Thọ (25)
      rec.danhGia[1].xepLoai.ma = 'TOT';
      rec.trinhDo.chuyenMon.ma = 'Thạc sỹ';
      expect(codesAndPaths(validateRecord(rec))).to.have.deep.members([
        { code: 'CODE_UNKNOWN', path: '/noiSinh/tinh/ma' },
        { code: 'CODE_UNKNOWN', path: '/danhGia/1/xepLoai/ma' },
        { code: 'CODE_UNKNOWN', path: '/trinhDo/chuyenMon/ma' },
      ]);
    });

    it('rejects a superseded rank code and does not check ten', function () {
      const rec = exampleOfficial();
      rec.luong.ngach = { ma: '15.114', ten: 'Chuyên viên' };
      rec.gioiTinh.ten = 'Female';
      expect(codesAndPaths(validateRecord(rec))).to.deep.equal([{ code: 'CODE_UNKNOWN', path: '/luong/ngach/ma' }]);
    });
  });

  describe('salary table (SALARY_MISMATCH)', function () {
    it('rejects a hệ số that is not the bậc\'s, naming the expected one', function () {
      const rec = exampleOfficial();
      rec.luong.heSo = 3.67; // ngạch 01.003 is group A1, whose bậc 5 is 3.66
      const problems = validateRecord(rec);
      expect(codesAndPaths(problems)).to.deep.equal([{ code: 'SALARY_MISMATCH', path: '/luong/heSo' }]);
      expect(problems[0]?.message).to.equal(
        'hệ số 3.67 does not match bậc 5 of ngạch 01.003 (salary group A1): expected 3.66',
      );
    });

    it('compares hệ số at two decimals, not as floats', function () {
      const rec = exampleOfficial();
      rec.luong.bac = 3;
      rec.luong.heSo = 0.1 * 30; // 3.0000000000000004, bậc 3 of A1 is 3.00
      expect(validateRecord(rec)).to.deep.equal([]);
    });

    it('rejects a bậc the group does not have', function () {
      const rec = exampleOfficial();
      rec.luong.bac = 10; // A1 has 9 bậc
      const problems = validateRecord(rec);
      expect(codesAndPaths(problems)).to.deep.equal([{ code: 'SALARY_MISMATCH', path: '/luong/bac' }]);
      expect(problems[0]?.message).to.contain('expected a bậc from 1 to 9');
    });

    it('uses the chức danh nghề nghiệp\'s group for a VC', function () {
      const rec = exampleOfficial();
      rec.loaiNhanSu = { ma: 'VC' };
      rec.luong = { chucDanhNgheNghiep: { ma: 'V.07.02.26' }, bac: 2, heSo: 2.41, ngayHuong: '2023-09-01' }; // A0
      expect(validateRecord(rec)).to.deep.equal([]);
      rec.luong.heSo = 2.67; // bậc 2 of A1, not A0
      const problems = validateRecord(rec);
      expect(codesAndPaths(problems)).to.deep.equal([{ code: 'SALARY_MISMATCH', path: '/luong/heSo' }]);
      expect(problems[0]?.message).to.contain('expected 2.41');
    });
  });

  describe('personal number (IDENTITY_MISMATCH)', function () {
    it('checks the 4th digit against sex', function () {
      const rec = exampleOfficial(); // 026185001234: 4th digit 1, a woman born 1900-1999
      rec.gioiTinh = { ma: '1', ten: 'Nam' };
      const problems = validateRecord(rec);
      expect(codesAndPaths(problems)).to.deep.equal([{ code: 'IDENTITY_MISMATCH', path: '/soDinhDanh' }]);
      expect(problems[0]?.message).to.equal('4th digit of soDinhDanh is 1: expected 0 for a male (gioiTinh 1) born in 1985');
    });

    it('checks the 4th digit against the century and digits 5-6 against the birth year', function () {
      const rec = exampleOfficial();
      rec.ngaySinh = '2003-07-01';
      const problems = validateRecord(rec);
      expect(codesAndPaths(problems)).to.deep.equal([
        { code: 'IDENTITY_MISMATCH', path: '/soDinhDanh' },
        { code: 'IDENTITY_MISMATCH', path: '/soDinhDanh' },
      ]);
      expect(problems.map((p) => p.message)).to.deep.equal([
        '4th digit of soDinhDanh is 1: expected 3 for a female (gioiTinh 2) born in 2003',
        'digits 5-6 of soDinhDanh are 85: expected 03 for birth year 2003',
      ]);
    });

    it('accepts a number of the 2000s and a partial birth date', function () {
      const rec = exampleOfficial();
      rec.soDinhDanh = '025303004321'; // 3: a woman born 2000-2099
      rec.ngaySinh = '2003';
      expect(validateRecord(rec)).to.deep.equal([]);
    });

    it('rejects a birth year no personal number can encode', function () {
      const rec = exampleOfficial();
      rec.soDinhDanh = '026199001234';
      rec.ngaySinh = '1899-12-31';
      expect(codesAndPaths(validateRecord(rec))).to.deep.equal([{ code: 'IDENTITY_MISMATCH', path: '/ngaySinh' }]);
    });
  });

  describe('staff kind and status (RULE_VIOLATION)', function () {
    it('requires ngach, not chucDanhNgheNghiep, for CB and CC', function () {
      const rec = exampleOfficial();
      rec.loaiNhanSu = { ma: 'CB' };
      rec.luong = { chucDanhNgheNghiep: { ma: 'V.07.01.03' }, bac: 5, heSo: 3.66, ngayHuong: '2023-09-01' };
      const problems = validateRecord(rec);
      expect(codesAndPaths(problems)).to.deep.equal([
        { code: 'RULE_VIOLATION', path: '/luong/ngach' },
        { code: 'RULE_VIOLATION', path: '/luong/chucDanhNgheNghiep' },
      ]);
      expect(problems[0]?.message).to.equal('luong must have ngach for loaiNhanSu CB');
    });

    it('requires chucDanhNgheNghiep for VC', function () {
      const rec = exampleOfficial();
      rec.loaiNhanSu = { ma: 'VC' };
      expect(codesAndPaths(validateRecord(rec))).to.deep.equal([
        { code: 'RULE_VIOLATION', path: '/luong/chucDanhNgheNghiep' },
        { code: 'RULE_VIOLATION', path: '/luong/ngach' },
      ]);
    });

    it('requires hopDong exactly for NLD', function () {
      const nld = exampleOfficial();
      nld.loaiNhanSu = { ma: 'NLD' };
      expect(codesAndPaths(validateRecord(nld))).to.deep.equal([{ code: 'RULE_VIOLATION', path: '/hopDong' }]);
      nld.hopDong = NLD_CONTRACT;
      expect(validateRecord(nld)).to.deep.equal([]);

      const cc = exampleOfficial();
      cc.hopDong = NLD_CONTRACT;
      const problems = validateRecord(cc);
      expect(codesAndPaths(problems)).to.deep.equal([{ code: 'RULE_VIOLATION', path: '/hopDong' }]);
      expect(problems[0]?.message).to.equal('hopDong must be absent for loaiNhanSu CC: expected only for NLD');
    });

    it('asks an NLD\'s luong for exactly one rank code', function () {
      const rec = exampleOfficial();
      rec.loaiNhanSu = { ma: 'NLD' };
      rec.hopDong = NLD_CONTRACT;
      delete rec.luong.ngach;
      expect(codesAndPaths(validateRecord(rec))).to.deep.equal([{ code: 'RULE_VIOLATION', path: '/luong' }]);
    });

    it('requires ngayNghi when the official no longer works', function () {
      const rec = exampleOfficial();
      rec.tinhTrang = { ma: 'NGHI_HUU' };
      const problems = validateRecord(rec);
      expect(codesAndPaths(problems)).to.deep.equal([{ code: 'RULE_VIOLATION', path: '/ngayNghi' }]);
      expect(problems[0]?.message).to.equal('ngayNghi is required when tinhTrang is NGHI_HUU (not DANG_CONG_TAC)');
      rec.ngayNghi = '2026-03-01';
      expect(validateRecord(rec)).to.deep.equal([]);
    });
  });

  describe('push records', function () {
    it('passes the example packet\'s record', function () {
      expect(validatePushRecord(examplePacket().records[0])).to.deep.equal([]);
    });

    it('reports paths relative to the push record', function () {
      const rec = examplePacket().records[0];
      rec.data.luong.heSo = 3.99;
      rec.data.danToc.ma = 'X';
      delete rec.approvedAt;
      expect(codesAndPaths(validatePushRecord(rec))).to.deep.equal([
        { code: 'SCHEMA_INVALID', path: '/approvedAt' },
        { code: 'CODE_UNKNOWN', path: '/data/danToc/ma' },
        { code: 'SALARY_MISMATCH', path: '/data/luong/heSo' },
      ]);
    });

    it('requires soDinhDanh to equal data.soDinhDanh', function () {
      const rec = examplePacket().records[0];
      rec.soDinhDanh = '026185009999';
      const problems = validatePushRecord(rec);
      expect(codesAndPaths(problems)).to.deep.equal([{ code: 'IDENTITY_MISMATCH', path: '/soDinhDanh' }]);
      expect(problems[0]?.message).to.equal('soDinhDanh 026185009999 differs from data.soDinhDanh: expected 026185001234');
    });

    it('requires an archive record to have left service', function () {
      const rec = examplePacket().records[0];
      rec.operation = 'archive';
      expect(codesAndPaths(validatePushRecord(rec))).to.deep.equal([{ code: 'RULE_VIOLATION', path: '/data/tinhTrang/ma' }]);
      rec.data.tinhTrang = { ma: 'TU_TRAN', ten: 'Từ trần' };
      rec.data.ngayNghi = '2026-04-10';
      expect(validatePushRecord(rec)).to.deep.equal([]);
    });
  });
});
