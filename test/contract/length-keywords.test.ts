import Ajv2020Module from 'ajv/dist/2020.js';
import { expect } from 'chai';
import { codePointLength, lengthKeywords } from '../../src/contract/length-keywords.js';
import { nationalContract } from '../../src/contract/national-contract.js';
import { createSchemaValidators } from '../../src/contract/schema-validators.js';
import { exampleOfficial } from './contract-examples.js';

const Ajv2020 = Ajv2020Module.default;

describe('contract: maxLength and minLength counted without walking every string', function () {
  const schema = { type: 'string', minLength: 2, maxLength: 3 };
  const builtIn = new Ajv2020({ allErrors: true }).compile(schema);
  const shortcut = (() => {
    const ajv = new Ajv2020({ allErrors: true });
    for (const keyword of lengthKeywords()) ajv.removeKeyword(keyword.keyword as string).addKeyword(keyword);
    return ajv.compile(schema);
  })();
  const smile = '\u{1F600}';
  // Around both limits, in code points and in UTF-16 units: astral characters (2 units, 1 code
  // point), lone and reversed surrogates (1 unit, 1 code point each), Vietnamese in NFC and NFD.
  const cases = [
    '', 'a', 'ab', 'abc', 'abcd', 'Lê', 'Lê Văn', 'Le\u0302', 'Le\u0302\u0301',
    smile, `${smile}${smile}`, `a${smile}`, `${smile}${smile}${smile}`, `${smile}${smile}${smile}${smile}`, `ab${smile}`, `abc${smile}`,
    '\ud800', '\ud800\ud800', '\udc00\ud800', '\ud800a', `\ud800${smile}\udc00`, `${smile}\ud800\udc00\ud800`,
  ];

  it('counts code points as ajv does, a pair once and a lone surrogate once', function () {
    expect(cases.map(codePointLength)).to.deep.equal(cases.map((text) => [...text].length));
  });

  for (const text of cases) {
    it(`agrees with ajv's own keywords on ${JSON.stringify(text)}`, function () {
      const expected = builtIn(text);
      const expectedErrors = builtIn.errors;
      expect(shortcut(text)).to.equal(expected);
      expect(shortcut.errors).to.deep.equal(expectedErrors);
    });
  }

  it('leaves the national schemas their limits: too long or too short names the limit, astral characters count once', function () {
    const v = createSchemaValidators(nationalContract());
    const tooLong = { ...exampleOfficial(), hoTen: `Nguyễn ${'Văn '.repeat(30)}An` };
    expect(v.official(tooLong)).to.deep.equal([{ path: '/hoTen', message: 'must NOT have more than 100 characters', rule: 'maxLength 100' }]);
    const astral = { ...exampleOfficial(), hoTen: smile.repeat(100) };
    expect(v.official(astral)).to.deep.equal([]);
    const tooShort = { ...exampleOfficial(), hoTen: 'A' };
    expect(v.official(tooShort)).to.deep.equal([{ path: '/hoTen', message: 'must NOT have fewer than 2 characters', rule: 'minLength 2' }]);
  });
});
