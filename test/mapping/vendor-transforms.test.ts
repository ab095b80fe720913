import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { nationalContract } from '../../src/contract/national-contract.js';
import { compileMapping } from '../../src/mapping/mapping-compiler.js';
import type { ReferenceData } from '../../src/mapping/mapping-types.js';
import { mapPerson, reverseMap } from '../../src/mapping/person-mapper.js';
import { paths } from '../../src/paths.js';

/**
 * The transforms another vendor needs, on a hand-made vendor mapping (quoted names, no qlcb):
 * identity numbers typed with separators or full-width digits stripped to digits, names
 * trimmed and title-cased, dates whose precision sits in another column (a year-only DATE
 * '1985-01-01' is '1985'), and a code table joined on its code column instead of its key.
 * The mapped records are compared with a reviewed golden file.
 */
const dir = join(paths.root, 'test', 'fixtures', 'mappings', 'transforms');
const mapping = compileMapping([{ file: 'mapping.json', json: JSON.parse(readFileSync(join(dir, 'mapping.json'), 'utf8')) as unknown }], nationalContract());
const people = JSON.parse(readFileSync(join(dir, 'people.json'), 'utf8')) as Record<string, unknown>[];
const golden = JSON.parse(readFileSync(join(paths.root, 'test', 'fixtures', 'golden', 'vendor-transforms.json'), 'utf8')) as unknown[];

const reference: ReferenceData = {
  tables: new Map<string, Map<string, Record<string, unknown>>>([
    ['danToc', new Map([
      ['7', { Id: 7, Ma: 'K01', Ten: 'Kinh' }],
      ['8', { Id: 8, Ma: 'T02', Ten: 'Tày' }],
    ])],
    ['units', new Map([
      ['1', { Id: 1, MaDinhDanh: '000.00.00.H62', Cha: null }],
      ['2', { Id: 2, MaDinhDanh: '000.00.05.H62', Cha: 1 }],
    ])],
  ]),
};

describe('vendor transforms: strip, trim, case, date precision from a column, lookup by a code column', function () {
  it('reads units from the top-level units table when source.units is not given', function () {
    expect(mapping.source.reference.units).to.deep.equal({ sql: 'SELECT "Id", "MaDinhDanh", "Cha" FROM "NhanSu"."DonVi"', key: 'Id' });
    expect(mapping.source.units).to.deep.equal({ table: 'units', code: 'MaDinhDanh', parent: 'Cha', successor: '' });
  });

  it('maps each person as the golden file says', function () {
    const out = people.map((doc) => {
      const result = mapPerson(mapping, { vendorId: String(doc.MaHoSo), doc }, reference);
      const fields = ['soDinhDanh', 'hoTen', 'ngaySinh', 'danToc', 'donViSuDung'];
      const record = Object.fromEntries(fields.filter((f) => f in result.record).map((f) => [f, result.record[f]]));
      const errors = result.ok ? [] : result.errors.filter((e) => e.code.startsWith('mapping.')).map((e) => `${e.path} ${e.code}`);
      return { vendorId: doc.MaHoSo, record, errors };
    });
    expect(out).to.deep.equal(golden);
  });

  it('changes case on the way back too', function () {
    expect(reverseMap(mapping, { hoTen: 'Nguyễn Văn An' }, reference).hoSo).to.deep.equal({ HoTen: 'NGUYỄN VĂN AN' });
  });

  it("refuses 'precision' with 'precisionFrom', and 'characters' with 'keep'", function () {
    const json = JSON.parse(readFileSync(join(dir, 'mapping.json'), 'utf8')) as { fields: Record<string, Record<string, unknown>> };
    json.fields.ngaySinh = { ...json.fields.ngaySinh, precision: 'day' };
    json.fields.soDinhDanh = { ...json.fields.soDinhDanh, characters: '-' };
    expect(() => compileMapping([{ file: 'mapping.json', json }], nationalContract())).to.throw()
      .with.property('details').that.deep.includes.members([
        { path: 'mapping.json#/fields/ngaySinh/precision', message: "give 'precision' or 'precisionFrom', not both" },
        { path: 'mapping.json#/fields/soDinhDanh/keep', message: "give 'characters' or 'keep', not both" },
      ]);
  });
});
