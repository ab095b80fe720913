import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { nationalContract } from '../../src/contract/national-contract.js';
import { compileMapping } from '../../src/mapping/mapping-compiler.js';
import type { MappingDocument } from '../../src/mapping/mapping-document.js';
import { MappingError } from '../../src/mapping/mapping-error.js';
import { loadMapping, readMappingDocuments } from '../../src/mapping/mapping-loader.js';
import { paths } from '../../src/paths.js';

/** Mapping files are checked at load; a problem names the file and the JSON path. */
const qlcbDir = join(paths.mappings, 'qlcb');

function qlcbDocuments(): MappingDocument[] {
  return readMappingDocuments(qlcbDir);
}

// Mapping JSON edited in place by each test: its shape is what the test says it is.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

function edit(file: string, change: (json: Json) => void): MappingDocument[] {
  return qlcbDocuments().map((d) => {
    if (d.file !== file) return d;
    const json = structuredClone(d.json) as Json;
    change(json);
    return { file: d.file, json };
  });
}

function loadError(documents: MappingDocument[]): MappingError {
  try {
    compileMapping(documents, nationalContract());
  } catch (err) {
    if (err instanceof MappingError) return err;
    throw err;
  }
  throw new Error('the mapping loaded');
}

describe('mapping loader: validation of mapping files', function () {
  it('loads the shipped qlcb mapping from its folder and from one merged file', function () {
    expect(loadMapping('mappings/qlcb').name).to.equal('qlcb');
    const dir = mkdtempSync(join(tmpdir(), 'mapping-'));
    try {
      const merged = Object.assign({}, ...readdirSync(qlcbDir).filter((f) => f.endsWith('.json'))
        .map((f) => JSON.parse(readFileSync(join(qlcbDir, f), 'utf8')) as object));
      writeFileSync(join(dir, 'one.json'), JSON.stringify(merged));
      expect(loadMapping(join(dir, 'one.json')).documents.map((d) => d.file)).to.deep.equal(['one.json']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an unknown transform, naming the file and path', function () {
    const err = loadError(edit('fields.json', (j) => { j.fields.hoTen = { upperCase: { path: 'ho_ten' } }; }));
    expect(err.code).to.equal('mapping.transform_unknown');
    expect(err.details.map((d) => d.path)).to.deep.equal(['fields.json#/fields/hoTen/upperCase']);
  });

  it('refuses an option that does not belong to its transform', function () {
    const err = loadError(edit('fields.json', (j) => { j.fields.hoTen = { name: { path: 'ho_ten' }, precision: 'day' }; }));
    expect(err.code).to.equal('mapping.option_unknown');
    expect(err.details[0]?.path).to.equal('fields.json#/fields/hoTen/precision');
  });

  it('refuses a national field that official.schema.json does not have, at any depth', function () {
    const top = loadError(edit('fields.json', (j) => { j.fields.hoVaTen = { name: { path: 'ho_ten' } }; }));
    expect(top.code).to.equal('mapping.field_unknown');
    expect(top.details[0]?.path).to.equal('fields.json#/fields/hoVaTen');
    const nested = loadError(edit('fields.json', (j) => { j.fields.luong.then.object.heSoLuong = { number: { path: 'he_so_luong' } }; }));
    expect(nested.details[0]?.path).to.equal('fields.json#/fields/luong/then/object/heSoLuong');
    const inArray = loadError(edit('fields.json', (j) => { j.fields.danhGia.item.object.diem = { integer: { path: 'diem' } }; }));
    expect(inArray.details[0]?.path).to.equal('fields.json#/fields/danhGia/item/object/diem');
  });

  it('refuses a synonym whose target is not in the national list', function () {
    const err = loadError(edit('codes.json', (j) => { j.codes['dan-toc'].synonyms['Mông'] = '99'; }));
    expect(err.code).to.equal('mapping.code_target_unknown');
    expect(err.details[0]?.path).to.equal('codes.json#/codes/dan-toc/synonyms/Mông');
    expect(err.message).to.contain("'99' is not a code of the national list 'dan-toc'");
  });

  it('refuses an ifEmpty code not in the list, an unknown list, and a list the field does not take', function () {
    const ifEmpty = loadError(edit('fields.json', (j) => { j.fields.tonGiao.ifEmpty = 'ZZ'; }));
    expect([ifEmpty.code, ifEmpty.details[0]?.path]).to.deep.equal(['mapping.code_target_unknown', 'fields.json#/fields/tonGiao/ifEmpty']);
    const list = loadError(edit('fields.json', (j) => { j.fields.tonGiao.code = 'ton-giao-cu'; }));
    expect(list.code).to.equal('mapping.code_list_unknown');
    const wrong = loadError(edit('fields.json', (j) => { j.fields.tonGiao.code = 'dan-toc'; }));
    expect(wrong.details[0]?.message).to.contain("takes codes of 'ton-giao'");
  });

  it('refuses a reference table the source does not declare', function () {
    const err = loadError(edit('fields.json', (j) => { j.fields.danToc.via.table = 'dm_dan_toc_cu'; }));
    expect(err.code).to.equal('mapping.reference_unknown');
  });

  it('refuses malformed structure and a key defined in two files', function () {
    const bad = loadError(edit('source.json', (j) => { j.source.persons.id = 'id; DROP TABLE x'; }));
    expect([bad.code, bad.details[0]?.path]).to.deep.equal(['mapping.file_invalid', 'source.json#/source/persons/id']);
    const twice = loadError([...qlcbDocuments(), { file: 'extra.json', json: { codes: {} } }]);
    expect(twice.details[0]?.path).to.equal('extra.json#/codes');
  });

  it('reports an unreadable mapping path and invalid JSON as typed errors', function () {
    expect(() => loadMapping('/nonexistent/mapping')).to.throw(MappingError).with.property('code', 'mapping.file_unreadable');
    const dir = mkdtempSync(join(tmpdir(), 'mapping-'));
    try {
      writeFileSync(join(dir, 'broken.json'), '{ "mapping": ');
      expect(() => loadMapping(dir)).to.throw(MappingError).with.property('code', 'mapping.file_invalid');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
