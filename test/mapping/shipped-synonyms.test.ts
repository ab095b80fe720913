import { expect } from 'chai';
import { spellingVariants } from '../../src/demo/spellings.js';
import { loadMapping } from '../../src/mapping/mapping-loader.js';

// The shipped synonym tables (mappings/qlcb/codes.json) against spellings written by hand from
// what Vietnamese HR databases hold, and against every variant the demo generator types.
const mapping = loadMapping('mappings/qlcb');

function codeOf(list: string, value: string): string | undefined {
  return mapping.matcher(list)?.forward(value)?.ma;
}

const FIELD_LIST: Record<string, string> = {
  llct: 'ly-luan-chinh-tri', qlnn: 'quan-ly-nha-nuoc', degree: 'trinh-do-chuyen-mon', assessment: 'xep-loai', religion: 'ton-giao',
};

const SPELLINGS: [string, string, string][] = [
  ['ly-luan-chinh-tri', 'Trung cấp LLCT', 'TC'], ['ly-luan-chinh-tri', 'Cao cấp LLCT', 'CC'], ['ly-luan-chinh-tri', 'Cử nhân chính trị', 'CN'],
  ['ly-luan-chinh-tri', 'Sơ cấp LLCT', 'SC'], ['ly-luan-chinh-tri', 'trung cấp  lý luận chính trị', 'TC'], ['ly-luan-chinh-tri', 'Cao cấp', 'CC'],
  ['quan-ly-nha-nuoc', 'Chuyên viên chính', 'CVC'], ['quan-ly-nha-nuoc', 'CVC', 'CVC'], ['quan-ly-nha-nuoc', 'CVCC', 'CVCC'],
  ['quan-ly-nha-nuoc', 'Chuyên viên QLNN', 'CV'], ['quan-ly-nha-nuoc', 'Cán sự', 'CS'],
  ['trinh-do-chuyen-mon', 'ĐH', 'DH'], ['trinh-do-chuyen-mon', 'CĐ', 'CD'], ['trinh-do-chuyen-mon', 'TC', 'TC'], ['trinh-do-chuyen-mon', 'ThS', 'THS'],
  ['trinh-do-chuyen-mon', 'TS', 'TS'], ['trinh-do-chuyen-mon', 'Thạc sỹ', 'THS'], ['trinh-do-chuyen-mon', 'Tiến sỹ', 'TS'], ['trinh-do-chuyen-mon', 'Cử nhân', 'DH'],
  ['xep-loai', 'Xuất sắc', 'HTXSNV'], ['xep-loai', 'HTXSNV', 'HTXSNV'], ['xep-loai', 'HTTNV', 'HTTNV'], ['xep-loai', 'HTNV', 'HTNV'],
  ['xep-loai', 'Không hoàn thành nhiệm vụ', 'KHTNV'], ['xep-loai', 'Không hoàn thành NV', 'KHTNV'],
  ['ton-giao', 'Thiên Chúa giáo', '02'], ['ton-giao', 'Phat giao', '01'], ['ton-giao', 'Hoà Hảo', '05'], ['ton-giao', 'Không tôn giáo', '00'],
  ['dan-toc', 'Kinh (Việt)', '01'], ['dan-toc', 'Kinh', '01'], ['dan-toc', 'Mèo', '08'], ['dan-toc', 'Ede', '12'], ['dan-toc', 'Gia Rai', '10'],
  ['dan-toc', 'Tay', '02'], ['dan-toc', 'Khơ me', '05'],
];

describe('mapping: the shipped synonym tables', function () {
  it('match the common spellings of HR databases to the expected national code', function () {
    const wrong = SPELLINGS.filter(([list, value, code]) => codeOf(list, value) !== code)
      .map(([list, value, code]) => `${list} '${value}': ${codeOf(list, value) ?? 'none'}, expected ${code}`);
    expect(wrong).to.deep.equal([]);
  });

  it("know every spelling the demo generator types, as the national wording's code", function () {
    const wrong: string[] = [];
    for (const [key, variants] of spellingVariants()) {
      const [field, national] = key.split(':') as [string, string];
      const list = FIELD_LIST[field] as string;
      const expected = codeOf(list, national);
      expect(expected, `${list} '${national}'`).to.be.a('string');
      for (const v of variants) if (codeOf(list, v) !== expected) wrong.push(`${list} '${v}': ${codeOf(list, v) ?? 'none'}, expected ${expected}`);
    }
    expect(wrong).to.deep.equal([]);
  });
});
