import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../src/config/config.js';
import { GatewayError } from '../../src/errors.js';
import { normalisedDatabaseUrl, parseSourcesFile } from '../../src/sources/sources-file.js';
import { SourcesError } from '../../src/sources/sources-error.js';

const exists = (m: string): boolean => m === 'mappings/qlcb' || m === 'mappings/nhansu';

function refused(text: string): SourcesError {
  try {
    parseSourcesFile(text, 'sources.json', exists);
  } catch (err) {
    expect(err).to.be.instanceOf(SourcesError);
    return err as SourcesError;
  }
  expect.fail('the file was accepted');
}

const good = [
  { name: 'tinh-a', databaseUrl: 'postgres://gw@db-a:5432/qlcb', mapping: 'mappings/qlcb' },
  { name: 'tinh-b', databaseUrl: 'postgresql://gw@db-b/nhansu', mapping: 'mappings/nhansu', overlayFile: 'overlay-b.json' },
];

describe('sources: the sources file', function () {
  it('accepts an array of sources, and the object form with a conflict policy', function () {
    const setup = parseSourcesFile(JSON.stringify(good), 'sources.json', exists);
    expect(setup.fromFile).to.equal(true);
    expect(setup.conflictPolicy).to.equal('manual');
    expect(setup.sources.map((s) => s.name)).to.deep.equal(['tinh-a', 'tinh-b']);
    expect(setup.sources[1]!.overlayFile).to.equal('overlay-b.json');
    const withPolicy = parseSourcesFile(JSON.stringify({ conflictPolicy: 'latest-approval', sources: good }), 'sources.json', exists);
    expect(withPolicy.conflictPolicy).to.equal('latest-approval');
  });

  it('refuses text that is not JSON with one line', function () {
    const err = refused('[{"name": "a",');
    expect(err.code).to.equal('sources.invalid_file');
    expect(err.message.split('\n')).to.have.length(2);
    expect(err.message).to.include('sources.not_json');
  });

  it('refuses an empty list and a list of non-objects', function () {
    expect(refused('[]').message).to.include('sources.not_array');
    expect(refused('{"sources": 3}').message).to.include('sources.not_array');
    expect(refused('[3]').message).to.include('sources.entry_malformed');
  });

  it('gives one line per problem: malformed and duplicate names, missing mappings, one database twice', function () {
    const err = refused(JSON.stringify([
      good[0],
      { name: 'Tinh_C', databaseUrl: 'postgres://x@db-c/c', mapping: 'mappings/qlcb' },
      { name: 'tinh-a', databaseUrl: 'postgres://x@db-d/d', mapping: 'mappings/qlcb' },
      { name: 'tinh-e', databaseUrl: 'postgres://x@db-e/e' },
      { name: 'tinh-f', databaseUrl: 'postgres://x@db-f/f', mapping: 'mappings/none' },
      { name: 'tinh-g', databaseUrl: 'postgres://other:secret@DB-A/qlcb?sslmode=require', mapping: 'mappings/qlcb' },
      { name: 'tinh-h', databaseUrl: 'mysql://db-h/h', mapping: 'mappings/qlcb', extra: 1 },
      { name: 'x'.repeat(33), databaseUrl: 'postgres://db-i/i', mapping: 'mappings/qlcb' },
    ]));
    const lines = err.message.split('\n').slice(1);
    expect(lines.map((l) => l.trim().split(':')[0])).to.deep.equal([
      'sources.name_malformed', 'sources.name_duplicate', 'sources.mapping_missing', 'sources.mapping_missing',
      'sources.url_duplicate', 'sources.entry_malformed', 'sources.entry_malformed', 'sources.name_malformed',
    ]);
    expect(lines[4]).to.include('/5/databaseUrl').and.include('/0');
    // No password of a URL in the refusal.
    expect(err.message).not.to.include('secret');
    expect(err.details).to.have.length(8);
  });

  it('compares database URLs normalised: scheme, loopback spellings, default port, user and options', function () {
    expect(normalisedDatabaseUrl('postgres://a:b@LOCALHOST/hr')).to.equal(normalisedDatabaseUrl('postgresql://c@127.0.0.1:5432/hr?sslmode=disable'));
    expect(normalisedDatabaseUrl('postgres://h/hr')).not.to.equal(normalisedDatabaseUrl('postgres://h:5433/hr'));
    expect(normalisedDatabaseUrl('postgres://h/hr')).not.to.equal(normalisedDatabaseUrl('postgres://h/hr2'));
    expect(normalisedDatabaseUrl('not a url')).to.equal(undefined);
  });
});

describe('sources: configuration', function () {
  let dir: string;
  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'csdl-sources-'));
  });
  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it('without SOURCES_FILE has one source named default, from SOURCE_DATABASE_URL and MAPPING_FILE', function () {
    const config = loadConfig({ SOURCE_DATABASE_URL: 'postgres://h/hr', DATA_DIR: dir });
    expect(config.sources.fromFile).to.equal(false);
    expect(config.sources.sources).to.deep.equal([{ name: 'default', databaseUrl: 'postgres://h/hr', mapping: config.mappingFile, overlayFile: config.mappingOverlayFile }]);
  });

  it('reads SOURCES_FILE, each source with its own overlay under DATA_DIR unless given', function () {
    const file = join(dir, 'sources.json');
    writeFileSync(file, JSON.stringify(good));
    const config = loadConfig({ SOURCES_FILE: file, DATA_DIR: dir });
    expect(config.sources.sources.map((s) => s.overlayFile)).to.deep.equal([join(dir, 'mapping-overlay-tinh-a.json'), join(process.cwd(), 'overlay-b.json')]);
  });

  it('refuses a bad or missing file at configuration time, before anything is opened', function () {
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify([good[0], good[0]]));
    for (const f of [file, join(dir, 'absent.json')]) {
      try {
        loadConfig({ SOURCES_FILE: f, DATA_DIR: dir });
        expect.fail('accepted');
      } catch (err) {
        expect(err).to.be.instanceOf(GatewayError);
        expect((err as GatewayError).code).to.equal('sources.invalid_file');
      }
    }
  });
});

describe('sources: a refused file at the command line', function () {
  this.timeout(30_000);
  it('exits 2 with one line per problem and opens nothing (DATA_DIR stays empty)', async function () {
    const { execFile } = await import('node:child_process');
    const { readdirSync } = await import('node:fs');
    const { paths } = await import('../../src/paths.js');
    const dir = mkdtempSync(join(tmpdir(), 'csdl-sources-cli-'));
    const data = join(dir, 'data');
    const file = join(dir, 'sources.json');
    writeFileSync(file, JSON.stringify([{ ...good[0], name: 'A' }, { ...good[1], databaseUrl: good[0]!.databaseUrl, mapping: 'mappings/none' }]));
    try {
      const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((done) => {
        const child = execFile(process.execPath, [join(paths.root, 'dist/cli/index.js'), 'sync'], { env: { ...process.env, SOURCES_FILE: file, DATA_DIR: data } }, (_err, _out, stderr) => done({ code: child.exitCode, stderr }));
      });
      expect(code).to.equal(2);
      expect(stderr).to.include('sources.name_malformed').and.include('sources.url_duplicate').and.include('sources.mapping_missing');
      expect(() => readdirSync(data)).to.throw();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
