import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { codeList, nationalContract } from '../../src/contract/national-contract.js';
import { readAbbreviations } from '../../src/mapping-gaps/abbreviations-file.js';
import { createSuggester } from '../../src/mapping/synonym-suggester.js';

// Top-3 recall of the suggestions `mapping gaps` shows, on spellings from Vietnamese HR practice
// (compact, dotted, abbreviated, without diacritics) with the national code each means. The
// held-out table was never used to extend the abbreviations.
const contract = nationalContract();
const abbreviations = readAbbreviations();
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'spellings');

interface Recall {
  total: number;
  top3: number;
  misses: string[];
}

function readTable(file: string): [list: string, value: string, code: string][] {
  const json = JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Record<string, unknown>;
  return Object.entries(json)
    .filter(([list]) => list !== '$comment')
    .flatMap(([list, values]) => Object.entries(values as Record<string, string>).map(([value, code]) => [list, value, code] as [string, string, string]));
}

function recall(rows: [string, string, string][], table: typeof abbreviations): Recall {
  const misses: string[] = [];
  for (const [list, value, code] of rows) {
    const ranked = createSuggester(codeList(contract, list), table).suggest(value, 3);
    if (!ranked.some((s) => s.code === code)) misses.push(`${list} '${value}': ${ranked.map((s) => s.code).join(', ') || 'none'}, expected ${code}`);
  }
  return { total: rows.length, top3: rows.length - misses.length, misses };
}

function percent({ total, top3 }: Recall): number {
  return Math.round((1000 * top3) / total) / 10;
}

describe('mapping: suggestion recall on real spellings', function () {
  const table = readTable('hr-spellings.json');
  const heldOut = readTable('hr-spellings-held-out.json');

  it('hold at least 150 spellings, each naming a code of its national list', function () {
    expect(table.length).to.be.at.least(150);
    for (const [list, value, code] of [...table, ...heldOut]) {
      expect(codeList(contract, list).items.map((i) => i.ma), `${list} '${value}'`).to.include(code);
    }
  });

  it('find the meant code among the first three for at least 90% of them', function () {
    const result = recall(table, abbreviations);
    console.log(`      top-3 recall: ${percent(result)}% of ${result.total} spellings`);
    expect(percent(result), result.misses.join('\n')).to.be.at.least(90);
  });

  it('reach 90% on the held-out spellings too', function () {
    const result = recall(heldOut, abbreviations);
    console.log(`      held-out top-3 recall: ${percent(result)}% of ${result.total} spellings`);
    expect(percent(result), result.misses.join('\n')).to.be.at.least(90);
  });

  it('owe the compact and dotted forms to the abbreviations file, not to the table', function () {
    // Without the file's keys a run-together value cannot be cut and the recall falls.
    const compact = table.filter(([, value]) => /^[\p{Lu}.]{4,}$/u.test(value));
    expect(compact.length).to.be.at.least(15);
    expect(percent(recall(compact, {}))).to.be.below(50);
    expect(percent(recall(compact, abbreviations))).to.be.at.least(90);
  });
});
