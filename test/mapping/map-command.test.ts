import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { mapCommand } from '../../src/cli/commands/map-command.js';
import type { CliIo } from '../../src/cli/command.js';
import type { TestDatabase } from '../setup/databases.js';
import { sampleDatabase } from './sample-database.js';

/** `csdl-gateway map` over the sample database: JSON lines and a summary; sends nothing. */
describe('map command', function () {
  this.timeout(60_000);
  let t: TestDatabase;
  let dir: string;

  before(async function () {
    t = await sampleDatabase('postgres');
    dir = mkdtempSync(join(tmpdir(), 'map-command-'));
  });
  after(async function () {
    await t?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  function capture(): { io: CliIo; out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    return { io: { out: (l) => out.push(l), err: (l) => err.push(l), isTty: false }, out, err };
  }

  function lines(file: string): Record<string, unknown>[] {
    return readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  it('maps everyone, one JSON line per person, and prints the summary by error code', async function () {
    const file = join(dir, 'all.jsonl');
    const { io, out } = capture();
    expect(await mapCommand.run(['--all', '--out', file, '--database', t.url, '--chunk', '5'], io)).to.equal(0);
    const written = lines(file);
    expect(written.map((l) => [l.vendorId, l.ok])).to.deep.equal([
      ['1', true], ['2', true], ['3', true], ['4', true], ['5', true], ['6', true], ['7', true], ['8', true], ['9', true],
      ['10', false], ['11', false], ['12', false],
    ]);
    expect(written[9]).to.deep.include({ vendorId: '10', soDinhDanh: '151234567', ok: false });
    expect((written[9]?.errors as { code: string }[]).map((e) => e.code)).to.deep.equal(['SCHEMA_INVALID']);
    expect((written[0]?.record as { soDinhDanh: string }).soDinhDanh).to.equal('026185001234');
    expect(out.slice(1)).to.deep.equal([
      'read 12, valid 9, invalid 3',
      '  IDENTITY_MISMATCH: 1',
      '  SALARY_MISMATCH: 1',
      '  SCHEMA_INVALID: 1',
    ]);
  });

  it('maps chosen persons, approved only, with the record as XML', async function () {
    const file = join(dir, 'some.jsonl');
    const { io } = capture();
    const argv = ['--person', '8', '--person', '11', '--person', '1', '--approved', '--format', 'xml', '--out', file, '--database', t.url];
    expect(await mapCommand.run(argv, io)).to.equal(0);
    const written = lines(file);
    expect(written.map((l) => l.vendorId)).to.deep.equal(['1', '8']);
    const xml = String(written[0]?.record);
    expect(xml).to.match(/^<\?xml/);
    expect(xml).to.contain('<hoSo xmlns="urn:csdl-cbccvc:v1">');
    expect(xml).to.contain('<soDinhDanh>026185001234</soDinhDanh>');
  });

  it('refuses bad usage before touching the database', async function () {
    const { io } = capture();
    for (const argv of [['--out', 'x'], ['--all', '--person', '1', '--out', 'x'], ['--all'], ['--all', '--out', 'x', '--format', 'csv']]) {
      let code: string | undefined;
      await mapCommand.run(argv, io).catch((err: { code?: string }) => { code = err.code; });
      expect(code, argv.join(' ')).to.equal('cli.usage');
    }
  });
});
