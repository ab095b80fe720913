import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { codeList, nationalContract } from '../../src/contract/national-contract.js';
import { ABBREVIATIONS_FILE, readAbbreviations } from '../../src/mapping-gaps/abbreviations-file.js';
import { createSuggester, foldWords } from '../../src/mapping/synonym-suggester.js';

// Real spellings from provincial HR databases and the national code an operator would pick,
// written by hand; the suggester must rank that code first.
const contract = nationalContract();
const abbreviations = readAbbreviations();

const TABLE: [string, string, string][] = [
  ['ly-luan-chinh-tri', 'Trung cấp LL chính trị', 'TC'], ['ly-luan-chinh-tri', 'Cao cấp LLCT (hệ tập trung)', 'CC'],
  ['ly-luan-chinh-tri', 'Cử nhân CT', 'CN'], ['ly-luan-chinh-tri', 'TC LLCT', 'TC'], ['ly-luan-chinh-tri', 'Cao cap ly luan', 'CC'],
  ['ly-luan-chinh-tri', 'Sơ cấp LLCT', 'SC'],
  ['quan-ly-nha-nuoc', 'CVC', 'CVC'], ['quan-ly-nha-nuoc', 'Chuyên viên chính QLNN', 'CVC'], ['quan-ly-nha-nuoc', 'QLNN chương trình chuyên viên', 'CV'],
  ['quan-ly-nha-nuoc', 'Chuyen vien cao cap', 'CVCC'], ['quan-ly-nha-nuoc', 'Cán sự', 'CS'],
  ['trinh-do-chuyen-mon', 'Thạc sỹ', 'THS'], ['trinh-do-chuyen-mon', 'Tiến sỹ', 'TS'], ['trinh-do-chuyen-mon', 'ĐH', 'DH'], ['trinh-do-chuyen-mon', 'CĐ', 'CD'],
  ['trinh-do-chuyen-mon', 'Ths.', 'THS'], ['trinh-do-chuyen-mon', 'Đại học chính quy', 'DH'], ['trinh-do-chuyen-mon', 'CK I', 'CK1'],
  ['trinh-do-chuyen-mon', 'Chuyên khoa II', 'CK2'], ['trinh-do-chuyen-mon', 'Trung cấp chuyên nghiệp', 'TC'],
  ['xep-loai', 'Xuất sắc', 'HTXSNV'], ['xep-loai', 'Hoàn thành tốt NV', 'HTTNV'], ['xep-loai', 'Không hoàn thành NV', 'KHTNV'],
  ['xep-loai', 'HT xuất sắc nhiệm vụ', 'HTXSNV'], ['xep-loai', 'Hoàn thành NV', 'HTNV'],
  ['ton-giao', 'Hoà Hảo', '05'], ['ton-giao', 'Tin Lanh', '03'], ['ton-giao', 'Cao Dai', '04'], ['ton-giao', 'Hồi', '06'],
  ['dan-toc', 'Kinh (Việt)', '01'], ['dan-toc', 'Hmong', '08'], ['dan-toc', 'Ede', '12'], ['dan-toc', 'Muong', '06'], ['dan-toc', 'Xơ Đăng', '14'],
];

describe('mapping: synonym suggestions', function () {
  it('rank the expected national code first for real spellings', function () {
    const wrong: string[] = [];
    for (const [list, value, expected] of TABLE) {
      const first = createSuggester(codeList(contract, list), abbreviations).suggest(value)[0];
      if (first?.code !== expected) wrong.push(`${list} '${value}': ${first?.code ?? 'none'}, expected ${expected}`);
    }
    expect(wrong).to.deep.equal([]);
  });

  it('offer at most three, best first, with scores between 0 and 1, and none for a value unlike every name', function () {
    const suggester = createSuggester(codeList(contract, 'ly-luan-chinh-tri'), abbreviations);
    const ranked = suggester.suggest('Trung cấp LLCT');
    expect(ranked.length).to.be.within(1, 3);
    expect(ranked[0]).to.deep.equal({ code: 'TC', ten: 'Trung cấp', score: 1 });
    for (let i = 1; i < ranked.length; i += 1) expect(ranked[i]!.score).to.be.at.most(ranked[i - 1]!.score);
    expect(suggester.suggest('zzz qqq')).to.deep.equal([]);
  });

  it('know the abbreviations from the data file, not from the code', function () {
    const list = codeList(contract, 'xep-loai');
    expect(createSuggester(list, {}).suggest('HTXS')[0]?.code).to.not.equal('HTXSNV');
    expect(createSuggester(list, { HTXS: 'hoàn thành xuất sắc' }).suggest('HTXS')[0]?.code).to.equal('HTXSNV');
    expect(JSON.parse(readFileSync(ABBREVIATIONS_FILE, 'utf8'))).to.have.nested.property('abbreviations.LLCT');
  });

  it('fold case, diacritics and punctuation', function () {
    expect(foldWords('Đại  học (Chính-quy)')).to.deep.equal(['dai', 'hoc', 'chinh', 'quy']);
  });
});
