import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { paths } from '../../src/paths.js';
import { assertCliBuilt, startCli } from '../setup/cli-process.js';

/**
 * `start` runs the mapping's static check before anything else: a mapping with an unknown key
 * stops it with one line naming the file and JSON pointer, and no database is created under
 * DATA_DIR (no store, no demo provincial database).
 */
describe('cli: start refuses a broken mapping before opening anything', function () {
  this.timeout(60_000);
  let dir: string;

  before(function () {
    assertCliBuilt();
    dir = mkdtempSync(join(tmpdir(), 'csdl-broken-mapping-'));
    cpSync(join(paths.root, 'mappings', 'qlcb'), join(dir, 'broken'), { recursive: true });
    const sourceFile = join(dir, 'broken', 'source.json');
    const source = JSON.parse(readFileSync(sourceFile, 'utf8')) as { source: { persons: Record<string, unknown> } };
    source.source.persons['were'] = 'x';
    writeFileSync(sourceFile, JSON.stringify(source, null, 2));
  });

  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 1 with the file and pointer, and DATA_DIR holds no database', async function () {
    const data = join(dir, 'data');
    const { exit } = startCli(['start'], { DATA_DIR: data, MAPPING_FILE: join(dir, 'broken'), PORT: '0', LOG_LEVEL: 'warn' });
    const result = await exit;
    expect(result.code, result.stderr).to.equal(1);
    expect(result.stderr).to.include("source.json#/source/persons/were: unknown key 'were'; did you mean 'where'?");
    expect(existsSync(join(data, 'store')), 'store created').to.equal(false);
    expect(existsSync(join(data, 'provincial')), 'demo provincial database created').to.equal(false);
  });
});
