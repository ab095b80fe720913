import { expect } from 'chai';
import { nationalContract } from '../../src/contract/national-contract.js';
import { fieldPlan, filterRecord, FIELD_GROUPS, type FieldGroup } from '../../src/share/field-filter.js';
import { examplePacket } from '../contract/contract-examples.js';
import { sensitiveIn, sensitivePaths } from './sensitive-paths.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- records are known JSON */
/**
 * Field groups against official.schema.json itself: what the schema marks x-sensitive, at any
 * depth, never leaves without `sensitive`; fields outside the grant are left out, not nulled.
 */
const schema = nationalContract().schemas.official;
const plan = fieldPlan(schema);
const paths = sensitivePaths(schema);
const groups = (...g: FieldGroup[]) => new Set<FieldGroup>(g);

/** The contract example with every top-level field the schema has that the example lacks filled from another example of it. */
function fullRecord(): Record<string, any> {
  const data = structuredClone(examplePacket().records[0].data) as Record<string, any>;
  data.dang ??= { ngayVao: '2010-05-19' };
  data.sucKhoe ??= { tinhTrang: 'Tốt', nhomMau: 'O' };
  data.kyLuat ??= [{ nam: 2020, hinhThuc: 'Khiển trách' }];
  data.quanHeGiaDinh ??= [{ quanHe: 'Mẹ', hoTen: 'Nguyễn Thị A' }];
  return data;
}

describe('share: field groups from the national schema', function () {
  it('finds the x-sensitive markings (the schema has some) and places every top-level field', function () {
    expect(paths.length).to.be.greaterThan(3);
    for (const p of paths.filter((x) => x.length === 1)) expect(plan.groupOf.get(p[0]!), p.join('.')).to.equal('sensitive');
    for (const name of Object.keys((schema as any).properties)) expect(FIELD_GROUPS).to.include(plan.groupOf.get(name));
  });

  it('without `sensitive`, no marked field is left, in any combination of the other groups', function () {
    const record = fullRecord();
    expect(sensitiveIn(record, paths).length, 'the record holds sensitive data to filter').to.be.greaterThan(3);
    const others = FIELD_GROUPS.filter((g) => g !== 'sensitive');
    for (let mask = 1; mask < 1 << others.length; mask++) {
      const granted = groups(...others.filter((_, i) => mask & (1 << i)));
      expect(sensitiveIn(filterRecord(record, granted, plan), paths)).to.deep.equal([]);
    }
  });

  it('with `sensitive` and the other groups, the record is whole', function () {
    const record = fullRecord();
    expect(filterRecord(record, groups(...FIELD_GROUPS), plan)).to.deep.equal(record);
  });

  it('leaves fields outside the grant out, never as null', function () {
    const out = filterRecord(fullRecord(), groups('basic'), plan);
    expect(out).to.have.property('hoTen');
    expect(out).to.not.have.any.keys('luong', 'trinhDo', 'danToc', 'coQuanQuanLy');
    expect(Object.values(out)).to.not.include(null);
    const salary = filterRecord(fullRecord(), groups('salary'), plan);
    expect(Object.keys(salary)).to.deep.equal(['luong']);
  });

  it('removes markings at any depth: inside objects, array items and combinators', function () {
    const nested = {
      type: 'object',
      properties: {
        hoTen: { type: 'string' },
        quaTrinhCongTac: { type: 'array', items: { type: 'object', properties: { donVi: { type: 'string' }, ghiChu: { type: 'string', 'x-sensitive': true } } } },
        luong: { allOf: [{ properties: { heSo: { type: 'number' } } }, { properties: { khauTru: { 'x-sensitive': true, type: 'object' } } }] },
      },
    };
    const p = fieldPlan(nested);
    const record = { hoTen: 'A', quaTrinhCongTac: [{ donVi: 'X', ghiChu: 'kỷ luật' }, { donVi: 'Y' }], luong: { heSo: 2.34, khauTru: { ly_do: 'ốm' } } };
    const out = filterRecord(record, groups('basic', 'history', 'salary'), p);
    expect(out).to.deep.equal({ hoTen: 'A', quaTrinhCongTac: [{ donVi: 'X' }, { donVi: 'Y' }], luong: { heSo: 2.34 } });
    expect(sensitiveIn(out, sensitivePaths(nested))).to.deep.equal([]);
    expect(filterRecord(record, groups('basic', 'history', 'salary', 'sensitive'), p)).to.deep.equal(record);
  });

  it('refuses a schema with a field no group places, so a new national field is never served unplaced', function () {
    expect(() => fieldPlan({ properties: { hoTen: {}, moiThem: {} } })).to.throw().with.property('code', 'share.field_unplaced');
  });
});
