import { expect } from 'chai';
import { loadMapping } from '../../src/mapping/mapping-loader.js';
import { identityOf } from '../../src/mapping/person-identity.js';

/** The số định danh read ahead from a person row by the mapping's own rule (person-identity.ts). */
describe('person identity read ahead', function () {
  const qlcb = loadMapping('mappings/qlcb');
  const nhansu = loadMapping('mappings/nhansu');

  it('makes the số định danh with the mapping\'s soDinhDanh rule: as written in qlcb, separators dropped in nhansu', function () {
    expect(identityOf(qlcb, { so_cccd: '026185001234', ho_ten: 'x' })).to.equal('026185001234');
    expect(identityOf(nhansu, { citizen_id: '026.185-001 234' })).to.equal('026185001234');
  });

  it('gives nothing when the row makes no text, or the mapping has no soDinhDanh rule', function () {
    expect(identityOf(qlcb, { ho_ten: 'x' })).to.equal(undefined);
    expect(identityOf(qlcb, null)).to.equal(undefined);
    expect(identityOf({ identity: undefined }, { so_cccd: '026185001234' })).to.equal(undefined);
  });
});
