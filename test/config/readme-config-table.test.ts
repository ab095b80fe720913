import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { CONFIG_KEYS } from '../../src/config/config-schema.js';
import { paths } from '../../src/paths.js';

/**
 * The README's configuration table (between its config-table markers) is what operators read:
 * it must name every key of the schema, only those, and show config/default.json's defaults.
 */
interface Row {
  key: string;
  defaultCell: string;
}

function readmeRows(): Row[] {
  const readme = readFileSync(join(paths.root, 'README.md'), 'utf8');
  const start = readme.indexOf('<!-- config-table:start -->');
  const end = readme.indexOf('<!-- config-table:end -->');
  expect(start, 'README config-table:start marker').to.be.greaterThan(-1);
  expect(end, 'README config-table:end marker').to.be.greaterThan(start);
  const rows: Row[] = [];
  for (const line of readme.slice(start, end).split('\n')) {
    const match = /^\| `([^`]+)` \|([^|]*)\|/.exec(line);
    if (match) rows.push({ key: match[1] as string, defaultCell: (match[2] as string).trim() });
  }
  return rows;
}

describe('config: the README configuration table', function () {
  it('has one row per schema key and no row for an unknown key', function () {
    const keys = readmeRows().map((r) => r.key);
    expect(keys.filter((k, i) => keys.indexOf(k) !== i), 'keys listed twice').to.deep.equal([]);
    expect(keys.filter((k) => !(CONFIG_KEYS as string[]).includes(k)), 'rows naming no schema key').to.deep.equal([]);
    expect(CONFIG_KEYS.filter((k) => !keys.includes(k)), 'schema keys missing from the README').to.deep.equal([]);
  });

  it("shows config/default.json's value as the default of every key it sets", function () {
    const defaults = JSON.parse(readFileSync(paths.defaultConfig, 'utf8')) as Record<string, unknown>;
    const cells = new Map(readmeRows().map((r) => [r.key, r.defaultCell]));
    for (const [key, value] of Object.entries(defaults)) {
      expect(cells.get(key), key).to.equal(`\`${String(value)}\``);
    }
  });
});
