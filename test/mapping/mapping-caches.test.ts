import { expect } from 'chai';
import { codeList, nationalContract } from '../../src/contract/national-contract.js';
import { createCodeMatcher, MATCH_CACHE_SIZE } from '../../src/mapping/code-matcher.js';
import { compileMapping } from '../../src/mapping/mapping-compiler.js';
import { readMappingDocuments } from '../../src/mapping/mapping-loader.js';
import type { MapResult, ReferenceData } from '../../src/mapping/mapping-types.js';
import { mapPerson } from '../../src/mapping/person-mapper.js';
import { normaliseText } from '../../src/mapping/text-transforms.js';

/**
 * The caches and fast paths that make mapping 100,000 people quick must
 * not change a single result: a vendor value matched once per mapping, a unit followed once
 * per reference snapshot, and tidy text recognised without regular expressions.
 */
const contract = nationalContract();

/** qlcb as loaded from mappings/, with `extraReligions` added to its ton-giao synonyms. */
function qlcbWith(extraReligions: Record<string, string>) {
  const documents = readMappingDocuments('mappings/qlcb').map((d) => ({ ...d, json: structuredClone(d.json) }));
  const codes = documents.find((d) => d.file === 'codes.json')?.json as { codes: Record<string, { synonyms: Record<string, string> }> };
  Object.assign(codes.codes['ton-giao']?.synonyms ?? {}, extraReligions);
  return compileMapping(documents, contract);
}

function units(rows: [string, string | null, string | null][]): Map<string, Record<string, unknown>> {
  return new Map(rows.map(([id, code, parent]) => [id, { id: Number(id), ma_dinh_danh: code, don_vi_cha_id: parent, thay_the_boi_id: null }]));
}

function referenceWith(unitRows: [string, string | null, string | null][]): ReferenceData {
  return {
    tables: new Map([
      ['don_vi', units(unitRows)],
      ['ngach', new Map([['3', { id: 3, ma_ngach: '01.003', loai: 'CC' }]])],
      ['dan_toc', new Map([['1', { id: 1, ten: 'Kinh' }]])],
    ]),
  };
}

const person = {
  so_cccd: '026185001234', ho_ten: 'Nguyễn Thị Thu Hà', ngay_sinh: '14/03/1985', gioi_tinh: 0,
  dan_toc_id: 1, ton_giao: 'Không', loai_can_bo: 'CC', don_vi_id: 7, trang_thai: 'DANG_LAM',
  ngach_id: 3, bac_luong: 5, he_so_luong: '3.66', ngay_huong_luong: '2023-09-01',
};

function field(result: MapResult, name: string): unknown {
  if (!result.ok) throw new Error(`not ok: ${JSON.stringify(result.errors)}`);
  return result.record[name];
}

function errorCodes(result: MapResult): string[] {
  return result.ok ? [] : result.errors.map((e) => e.code);
}

describe('mapping caches: the same results, however often a value is seen', function () {
  it('matches a vendor value per mapping: a synonym of one mapping never answers for another', function () {
    const plain = qlcbWith({});
    const extended = qlcbWith({ 'Đạo Phật giáo': '01' });
    const reference = referenceWith([['1', '000.00.00.H62', null], ['7', '000.00.05.H62', '1']]);
    const doc = { ...person, ton_giao: 'Đạo Phật giáo' };
    for (let round = 0; round < 2; round += 1) {
      expect(errorCodes(mapPerson(plain, { vendorId: '1', doc }, reference)), `round ${round}`).to.deep.equal(['mapping.code_unknown']);
      expect(field(mapPerson(extended, { vendorId: '1', doc }, reference), 'tonGiao'), `round ${round}`).to.deep.equal({ ma: '01', ten: 'Phật giáo' });
    }
  });

  it('reports an unmatched value on every person, not only the first time it is seen', function () {
    const matcher = createCodeMatcher(codeList(contract, 'ton-giao'), { match: 'name', synonyms: { 'Phật': '01' } });
    expect(matcher.forward('Không rõ')).to.equal(undefined);
    expect(matcher.forward('Không rõ')).to.equal(undefined);
    expect(matcher.forward(' phật ')?.ma).to.equal('01');
    expect(matcher.forward(' phật ')?.ma).to.equal('01');
  });

  it('still matches after more distinct values than the cache holds', function () {
    const matcher = createCodeMatcher(codeList(contract, 'ton-giao'), { match: 'name', synonyms: { 'Phật': '01' } });
    expect(matcher.forward('Phật')?.ma).to.equal('01');
    for (let i = 0; i <= MATCH_CACHE_SIZE; i += 1) matcher.forward(`free text ${i}`);
    expect(matcher.forward('Phật')?.ma).to.equal('01');
    expect(matcher.forward('free text 3')).to.equal(undefined);
  });

  it('follows units per reference snapshot: a unit recoded between two runs gives the new code', function () {
    const mapping = qlcbWith({});
    const before = referenceWith([['1', '000.00.00.H62', null], ['7', '000.00.05.H62', '1']]);
    const after = referenceWith([['1', '000.00.00.H62', null], ['7', '000.00.21.H62', '1']]);
    const doc = { ...person };
    for (let round = 0; round < 2; round += 1) {
      const first = mapPerson(mapping, { vendorId: '1', doc }, before);
      const second = mapPerson(mapping, { vendorId: '1', doc }, after);
      expect(field(first, 'donViSuDung'), `round ${round}`).to.equal('000.00.05.H62');
      expect(field(second, 'donViSuDung'), `round ${round}`).to.equal('000.00.21.H62');
      // The unit and its root are two answers about one unit id, kept apart.
      expect(field(first, 'coQuanQuanLy')).to.equal('000.00.00.H62');
      expect(field(second, 'coQuanQuanLy')).to.equal('000.00.00.H62');
    }
  });

  it('reports an unknown unit on every person that names it', function () {
    const mapping = qlcbWith({});
    const reference = referenceWith([['1', '000.00.00.H62', null]]);
    for (const vendorId of ['1', '2']) {
      const result = mapPerson(mapping, { vendorId, doc: { ...person, don_vi_id: 99 } }, reference);
      expect(errorCodes(result), vendorId).to.include('mapping.unit_unknown');
    }
  });
});

describe('normaliseText fast path: the same text as NFC + folded spaces', function () {
  // A small alphabet of what makes text untidy or not NFC: spaces of several kinds, controls,
  // combining marks, precomposed Vietnamese letters, and characters around the fast ranges.
  const alphabet = [
    ' ', ' ', ' ', '\t', '\n', '\u00a0', '\u2003', '\u3000', '\ufeff', 'a', 'B', 'đ', 'Đ', 'ễ', 'ư',
    '\u0301', '\u0303', '\u0323', 'e', 'o', '\u02ff', '\u0300', '\u1e00', '\u1eff', '\u1f00', '\u2000', '-', '1',
  ];
  const expected = (s: string): string => s.normalize('NFC').replace(/\s+/g, ' ').trim();

  it('agrees with the definition on 20,000 random strings', function () {
    let seed = 12345;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let i = 0; i < 20_000; i += 1) {
      let s = '';
      for (let n = next(9); n > 0; n -= 1) s += alphabet[next(alphabet.length)];
      expect(normaliseText(s), JSON.stringify(s)).to.equal(expected(s));
    }
  });

  it('returns tidy NFC text unchanged, and tidies the rest', function () {
    expect(normaliseText('Nguyễn Thị Hà')).to.equal('Nguyễn Thị Hà');
    expect(normaliseText('Nguyễn\u00a0Thị')).to.equal('Nguyễn Thị');
    expect(normaliseText('Hà ')).to.equal('Hà');
    expect(normaliseText(' Hà')).to.equal('Hà');
    expect(normaliseText('Thị  Hà')).to.equal('Thị Hà');
    expect(normaliseText('Thị Nguye\u0302\u0303n')).to.equal('Thị Nguyễn');
    expect(normaliseText('')).to.equal('');
  });
});
