import { expect } from 'chai';
import { nationalContract } from '../../src/contract/national-contract.js';
import { createNationalValidator } from '../../src/contract/record-validator.js';
import { explainProblem, keysOf, REFUSAL_WORDS } from '../../src/ops/refusal-words.js';
import { storedValues } from '../../src/ops/stored-value.js';

/**
 * The rule-in-words table (src/ops/refusal-words.ts): keyed by what the validator reports, most
 * specific first; every pattern of the national schema has its own words (a new pattern in the
 * contract fails here until someone writes them); and the stored value found in a vendor
 * document by the problem's source.
 */
describe('refusal words: the rule in words and what to change', function () {
  it('a legacy CMND in the số định danh field is explained by the schema pattern the validator names', function () {
    const validator = createNationalValidator(nationalContract());
    const problem = validator.validateRecord({ soDinhDanh: '151234567' }).find((p) => p.path === '/soDinhDanh');
    expect(problem).to.include({ code: 'SCHEMA_INVALID', rule: 'pattern ^[0-9]{12}$' });
    const words = explainProblem(problem!, 'qlcb.can_bo.so_cccd');
    expect(words.key).to.equal('SCHEMA_INVALID pattern ^[0-9]{12}$');
    expect(words.rule.vi).to.contain('12 chữ số');
    expect(words.rule.en).to.contain('12 digits');
    expect(words.fix.vi).to.contain('qlcb.can_bo.so_cccd');
    expect(words.fix.en).to.contain('qlcb.can_bo.so_cccd');
    // The raw regular expression is the key, never the text shown.
    expect(words.rule.en).not.to.contain('^[0-9]');
  });

  it('keys go from the keyword with its parameter, to the keyword, to the code', function () {
    expect(keysOf({ code: 'SCHEMA_INVALID', rule: 'maxLength 100' })).to.deep.equal(['SCHEMA_INVALID maxLength 100', 'SCHEMA_INVALID maxLength', 'SCHEMA_INVALID']);
    expect(keysOf({ code: 'mapping.code_unknown' })).to.deep.equal(['mapping.code_unknown']);
    const long = explainProblem({ code: 'SCHEMA_INVALID', rule: 'maxLength 100' }, 'qlcb.can_bo.ho_ten');
    expect(long.key).to.equal('SCHEMA_INVALID maxLength');
    expect(long.rule).to.deep.equal({ vi: 'Không quá 100 ký tự', en: 'at most 100 characters' });
    const date = explainProblem({ code: 'SCHEMA_INVALID', rule: 'format date' }, 'x.y.z');
    expect(date.key).to.equal('SCHEMA_INVALID format date');
  });

  it('an unknown rule says it has no words yet rather than inventing them', function () {
    const words = explainProblem({ code: 'SOMETHING_NEW' }, 'x');
    expect(words.key).to.equal(undefined);
    expect(words.rule.en).to.contain('no explanation');
  });

  it('every pattern and format of the national record schema has its own words', function () {
    const patterns = new Set<string>();
    const formats = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (typeof node !== 'object' || node === null) return;
      for (const [key, value] of Object.entries(node)) {
        if (key === 'pattern' && typeof value === 'string') patterns.add(value);
        else if (key === 'format' && typeof value === 'string') formats.add(value);
        else walk(value);
      }
    };
    walk(nationalContract().schemas.official);
    expect(patterns.size).to.be.greaterThan(3);
    for (const p of patterns) expect(REFUSAL_WORDS[`SCHEMA_INVALID pattern ${p}`], p).to.not.equal(undefined);
    for (const f of formats) expect(REFUSAL_WORDS[`SCHEMA_INVALID format ${f}`], f).to.not.equal(undefined);
  });

  it('every entry speaks both languages, and only of {column} and {limit}', function () {
    for (const [key, words] of Object.entries(REFUSAL_WORDS)) {
      for (const text of [words.rule.vi, words.rule.en, words.fix.vi, words.fix.en]) {
        expect(text, key).to.have.length.greaterThan(5);
        expect(text.replaceAll('{column}', '').replaceAll('{limit}', ''), key).not.to.match(/[{}]/);
      }
    }
  });

  it('the stored value: a person column, a history row picked by the national index, several places', function () {
    const doc = { so_cccd: '151234567', noi_sinh: null, dao_tao: [{ van_bang: 'Cử nhân' }, { van_bang: 'ThS' }] };
    expect(storedValues(doc, 'qlcb.can_bo', 'qlcb.can_bo.so_cccd', '/soDinhDanh')).to.deep.equal([{ column: 'qlcb.can_bo.so_cccd', value: '151234567' }]);
    expect(storedValues(doc, 'qlcb.can_bo', 'qlcb.dao_tao.van_bang', '/daoTao/1/vanBang')).to.deep.equal([{ column: 'qlcb.dao_tao.van_bang', value: 'ThS' }]);
    expect(storedValues(doc, 'qlcb.can_bo', 'qlcb.can_bo.noi_sinh, qlcb.can_bo.que_quan', '/noiSinh')).to.deep.equal([
      { column: 'qlcb.can_bo.noi_sinh', value: null }, { column: 'qlcb.can_bo.que_quan' },
    ]);
  });
});
