import { expect } from 'chai';
import { loadMapping } from '../../src/mapping/mapping-loader.js';
import { identityColumns, identityOf } from '../../src/mapping/person-identity.js';
import type { CompiledRules } from '../../src/mapping/mapping-types.js';

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

  it('names the person-table columns the rule reads, so only they are read ahead; none when it reads anything else', function () {
    expect(identityColumns(qlcb)).to.deep.equal(['so_cccd']);
    expect(identityColumns(nhansu)).to.deep.equal(['citizen_id']);
    const reading = (places: string[]) => ({
      source: qlcb.source, identity: { ...qlcb.identity!, sources: new Map(places.map((p, i) => [`/soDinhDanh/${i}`, p])) } as CompiledRules,
    });
    expect(identityColumns(reading(['qlcb.can_bo.so_cccd, qlcb.can_bo.cmnd_cu']))).to.deep.equal(['so_cccd', 'cmnd_cu']);
    expect(identityColumns(reading(['qlcb.can_bo.so_cccd, qlcb.dao_tao.van_bang']))).to.equal(undefined);
    expect(identityColumns(reading(['qlcb.can_bo.giay_to/so']))).to.equal(undefined);
    expect(identityColumns({ source: qlcb.source, identity: undefined })).to.equal(undefined);
  });
});
