import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { readMappingDocuments } from '../../src/mapping/mapping-loader.js';
import { paths } from '../../src/paths.js';

/**
 * A new vendor is a new folder under mappings/, with no change to src/: no file of src/ names
 * a schema-qualified table of any shipped mapping, in code, SQL or comment. src/demo/ is left
 * out: the demo data generators write a vendor's schema by design (they are that vendor's
 * sample data, not the engine). Generated validators carry no table names but are data, not code.
 */
const EXCLUDED = [join(paths.root, 'src', 'demo')];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (EXCLUDED.includes(path)) continue;
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.generated.ts')) out.push(path);
  }
  return out;
}

/** Every string of a mapping document, with its JSON key. */
function* strings(value: unknown, key = ''): Generator<[string, string]> {
  if (typeof value === 'string') yield [key, value];
  else if (Array.isArray(value)) for (const v of value) yield* strings(v, key);
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) yield* strings(v, k);
}

const NAME = '(?:[a-z_][a-z0-9_]*|"[^"]+")';
const QUALIFIED = new RegExp(`^${NAME}\\.${NAME}$`, 'iu');
const IN_SQL = new RegExp(`\\b(?:FROM|JOIN|INTO|UPDATE)\\s+(${NAME}\\.${NAME})`, 'giu');

/** The schema-qualified tables a mapping folder names: in table keys and in its SQL. */
function tablesOf(folder: string): Set<string> {
  const tables = new Set<string>();
  for (const { json } of readMappingDocuments(folder)) {
    for (const [key, text] of strings(json)) {
      if (key === '$comment') continue;
      if (key === 'table' && QUALIFIED.test(text)) tables.add(text.replaceAll('"', '').toLowerCase());
      for (const m of text.matchAll(IN_SQL)) tables.add(String(m[1]).replaceAll('"', '').toLowerCase());
    }
  }
  return tables;
}

describe('src/ names no vendor table', function () {
  const folders = readdirSync(paths.mappings).map((f) => join(paths.mappings, f)).filter((f) => statSync(f).isDirectory());

  it('finds the tables of every shipped mapping (the check has something to look for)', function () {
    expect(folders.length).to.be.greaterThan(0);
    for (const folder of folders) expect(tablesOf(folder).size, folder).to.be.greaterThan(0);
    expect([...tablesOf(join(paths.mappings, 'qlcb'))]).to.include.members(['qlcb.can_bo', 'qlcb.phe_duyet', 'qlcb.dm_don_vi', 'qlcb.tiep_nhan_chuyen_den']);
  });

  for (const folder of folders) {
    it(`no schema-qualified table of mappings/${relative(paths.mappings, folder)} appears in src/ (src/demo/ excepted)`, function () {
      const tables = [...tablesOf(folder)];
      const found: string[] = [];
      for (const file of sourceFiles(join(paths.root, 'src'))) {
        const text = readFileSync(file, 'utf8').toLowerCase();
        for (const table of tables) {
          const at = text.search(new RegExp(`(?<![a-z0-9_.])${table.replace('.', '\\.')}(?![a-z0-9_])`, 'u'));
          if (at >= 0) found.push(`${relative(paths.root, file)}:${text.slice(0, at).split('\n').length}: ${table}`);
        }
      }
      expect(found).to.deep.equal([]);
    });
  }
});
