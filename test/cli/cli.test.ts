import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { listMigrations } from '../../src/db/migrate.js';
import { assertCliBuilt, startCli, type CliExit } from '../setup/cli-process.js';
import { freshDatabase, type TestDatabase } from '../setup/databases.js';

type Run = CliExit;

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return startCli(args, env).exit;
}

const lines = (text: string): string[] => text.split('\n').filter((l) => l.trim().length > 0);

describe('cli: csdl-gateway', function () {
  this.timeout(60_000);
  let dataDir: string;

  before(function () {
    assertCliBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'csdl-cli-'));
  });
  after(function () {
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('--help lists the commands and exits 0', async function () {
    const run = await cli(['--help']);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.include('Usage: csdl-gateway <command>');
    for (const name of ['start', 'migrate', 'config']) expect(run.stdout).to.match(new RegExp(`^  ${name} +\\S`, 'm'));
  });

  it('with no command prints the overview and exits 2', async function () {
    const run = await cli([]);
    expect(run.code).to.equal(2);
    expect(run.stdout).to.include('Commands:');
  });

  for (const name of ['start', 'migrate', 'config']) {
    it(`${name} --help prints its usage and exits 0`, async function () {
      const run = await cli([name, '--help']);
      expect(run.code).to.equal(0);
      expect(run.stdout).to.match(new RegExp(`^Usage: csdl-gateway ${name}\\b`));
    });
  }

  it('refuses an unknown command with exit 2', async function () {
    const run = await cli(['frobnicate']);
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include("unknown command 'frobnicate'");
  });

  it('refuses an unknown option with exit 2', async function () {
    const run = await cli(['migrate', '--frobnicate'], { DATA_DIR: dataDir });
    expect(run.code).to.equal(2);
  });

  it('migrate against an unreachable server: one stderr line naming DATABASE_URL, no stack, non-zero exit', async function () {
    const run = await cli(['migrate'], { DATABASE_URL: 'postgres://x@127.0.0.1:1/db', DATA_DIR: dataDir });
    expect(run.code).to.not.equal(0);
    expect(run.code).to.not.equal(null);
    expect(lines(run.stderr)).to.have.length(1);
    expect(run.stderr).to.include('DATABASE_URL');
    expect(run.stderr).not.to.include('    at ');
  });

  it('migrate with a DATABASE_URL that is not a URL exits 2 naming the key', async function () {
    const run = await cli(['migrate'], { DATABASE_URL: 'not-a-url', DATA_DIR: dataDir });
    expect(run.code).to.equal(2);
    expect(run.stderr).to.include('DATABASE_URL');
    expect(run.stderr).not.to.include('    at ');
  });

  it('config with a bad value exits 2 naming the key', async function () {
    const run = await cli(['config'], { PORT: 'abc', DATA_DIR: dataDir });
    expect(run.code).to.equal(2);
    expect(lines(run.stderr)[0]).to.include('PORT');
    expect(run.stderr).not.to.include('    at ');
  });

  it('config prints every key and hides secrets and URL passwords', async function () {
    const run = await cli(['config'], {
      DATA_DIR: dataDir,
      NDXP_CLIENT_SECRET: 'ndxp-s3cr3t-value',
      SIGNING_KEY_PASSPHRASE: 'key-pass-phrase',
      DATABASE_URL: 'postgres://gw:hunter2-pw@db.example:5432/gateway',
    });
    expect(run.code).to.equal(0);
    expect(run.stdout).not.to.include('ndxp-s3cr3t-value');
    expect(run.stdout).not.to.include('key-pass-phrase');
    expect(run.stdout).not.to.include('hunter2-pw');
    expect(run.stdout).to.match(/^NDXP_CLIENT_SECRET +\*\*\*$/m);
    expect(run.stdout).to.match(/^DATABASE_URL +postgres:\/\/gw:\*\*\*@db\.example:5432\/gateway$/m);
    expect(run.stdout).to.match(/^PORT +8080$/m);
    expect(run.stdout).to.match(/^NDXP_URL +\(unset\)$/m);
  });

  describe('migrate against a fresh real PostgreSQL database', function () {
    let t: TestDatabase;
    before(async function () {
      t = await freshDatabase('postgres');
    });
    after(async function () {
      await t?.drop();
    });

    it('prints the applied versions and exits 0, then has nothing to apply', async function () {
      const versions = listMigrations().map((m) => m.version).join(', ');
      const first = await cli(['migrate'], { DATABASE_URL: t.url, DATA_DIR: dataDir });
      expect(first.stderr).to.equal('');
      expect(first.code).to.equal(0);
      expect(first.stdout).to.include(`applied migrations: ${versions}`);
      const schema = await t.db.query("SELECT 1 FROM information_schema.schemata WHERE schema_name = 'csdl_gateway'");
      expect(schema.rowCount).to.equal(1);
      const second = await cli(['migrate'], { DATABASE_URL: t.url, DATA_DIR: dataDir });
      expect(second.code).to.equal(0);
      expect(second.stdout).to.include('nothing to apply');
    });
  });
});
