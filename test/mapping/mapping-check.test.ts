import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { CliIo } from '../../src/cli/command.js';
import { mappingCheck } from '../../src/cli/commands/mapping-check.js';
import { loadConfig } from '../../src/config/config.js';
import { paths } from '../../src/paths.js';
import { freshDatabase, type TestDatabase } from '../setup/databases.js';
import { installProvincialSchema } from '../../src/demo/provincial-schema.js';

/**
 * `mapping check` on the shipped qlcb mapping and on broken copies of it: each bad input is one
 * line naming the mapping file and the JSON pointer, and exit 1; nothing is written.
 */
function captureIo(): CliIo & { lines: string[] } {
  const lines: string[] = [];
  return { lines, out: (l) => lines.push(l), err: (l) => lines.push(l), isTty: false };
}

// Mapping JSON edited in place by each test.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

describe('csdl-gateway mapping check', function () {
  this.timeout(120_000);
  let t: TestDatabase;
  let dir: string;
  const config = loadConfig({});

  before(async function () {
    t = await freshDatabase('postgres');
    await installProvincialSchema(t.db, { sample: true });
  });
  after(async function () {
    await t?.drop();
  });
  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), 'mapping-check-'));
    cpSync(join(paths.mappings, 'qlcb'), dir, { recursive: true });
  });
  afterEach(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  function edit(file: string, change: (json: Json) => void): void {
    const json = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Json;
    change(json);
    writeFileSync(join(dir, file), JSON.stringify(json));
  }

  async function check(...args: string[]): Promise<{ code: number; lines: string[] }> {
    const io = captureIo();
    const code = await mappingCheck(['--mapping', dir, '--db', t.url, ...args], io, config);
    return { code, lines: io.lines };
  }

  it('passes the shipped mapping against its database, with a mapped sample', async function () {
    const { code, lines } = await check('--sample', '12');
    expect(code, lines.join('\n')).to.equal(0);
    expect(lines.filter((l) => /^sample: 12 people read, \d+ mapped and valid, \d+ refused by the rules$/u.test(l))).to.have.length(1);
    expect(lines.at(-1)).to.match(/^mapping check: ok against the database/u);
  });

  it('refuses an unknown key statically, naming the nearest one', async function () {
    edit('source.json', (j) => { j.source.persons.were = "trang_thai = 'DANG_LAM'"; });
    const { code, lines } = await check();
    expect(code).to.equal(1);
    expect(lines[0]).to.equal("source.json#/source/persons/were: unknown key 'were'; did you mean 'where'?");
  });

  it('names a missing table, a missing column, a filter that does not parse and a staging table without a required column', async function () {
    edit('source.json', (j) => {
      j.source.persons.where = 'trang_thai = = 1';
      j.source.approval.table = 'qlcb.phe_duyet_cu';
    });
    edit('units.json', (j) => { j.units.name = 'ten'; });
    edit('staging.json', (j) => { j.staging.record = 'ho_so_json'; });
    const { code, lines } = await check();
    expect(code).to.equal(1);
    expect(lines).to.include('source.json#/source/approval/table: no table qlcb.phe_duyet_cu in the database');
    expect(lines).to.include('units.json#/units/name: no column ten in qlcb.dm_don_vi');
    expect(lines).to.include('staging.json#/staging/record: no column ho_so_json in qlcb.tiep_nhan_chuyen_den');
    expect(lines.some((l) => l.startsWith('source.json#/source/persons/where: the person filter does not run: syntax error'))).to.equal(true);
  });

  it('names a unit tree with a cycle, and writes nothing', async function () {
    await t.db.query('UPDATE qlcb.dm_don_vi SET don_vi_cha_id = (SELECT max(id) FROM qlcb.dm_don_vi) WHERE don_vi_cha_id IS NULL');
    try {
      const { code, lines } = await check('--sample', '0');
      expect(code).to.equal(1);
      expect(lines.filter((l) => l.startsWith('units.json#/units/parent: source.units_cycle: the unit tree loops'))).to.have.length(1);
    } finally {
      await t.db.query('UPDATE qlcb.dm_don_vi SET don_vi_cha_id = NULL WHERE id = (SELECT min(id) FROM qlcb.dm_don_vi)');
    }
    const staged = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM qlcb.tiep_nhan_chuyen_den');
    expect(staged.rows[0]?.n).to.equal(0);
  });
});
