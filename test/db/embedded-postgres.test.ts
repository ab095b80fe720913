import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createDb } from '../../src/db/db.js';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { GatewayError } from '../../src/errors.js';

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

describe('db: embedded PostgreSQL (PGlite) in a data folder', function () {
  // initdb of a fresh folder took 57 s with the 2-core machine shared by eight sessions.
  this.timeout(180_000);
  let dir: string;
  const children: ChildProcess[] = [];

  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), 'csdl-embedded-'));
  });
  afterEach(async function () {
    for (const child of children.splice(0)) {
      child.kill('SIGKILL');
      await exited(child);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs with buffers sized for three instances in one process, not PostgreSQL's server defaults", async function () {
    const pg = await startEmbeddedPostgres({ dataDir: dir });
    const db = createDb(pg.url, { max: 1 });
    try {
      const res = await db.query<{ name: string; setting: string; unit: string }>(
        "SELECT name, setting, unit FROM pg_settings WHERE name IN ('shared_buffers', 'maintenance_work_mem') ORDER BY name",
      );
      // shared_buffers counts 8 kB pages; maintenance_work_mem counts kB.
      expect(res.rows.map((r) => [r.name, Number(r.setting), r.unit])).to.deep.equal([
        ['maintenance_work_mem', 16 * 1024, 'kB'],
        ['shared_buffers', (8 * 1024) / 8, '8kB'],
      ]);
    } finally {
      await db.close();
      await pg.stop();
    }
  });

  it('keeps its rows across a stop and a start, and frees its pid file on stop', async function () {
    const first = await startEmbeddedPostgres({ dataDir: dir });
    expect(readFileSync(join(dir, 'gateway.pid'), 'utf8').trim()).to.equal(String(process.pid));
    const db1 = createDb(first.url, { max: 1 });
    await db1.query('CREATE TABLE kept (id int PRIMARY KEY, ho_ten text NOT NULL)');
    await db1.query("INSERT INTO kept VALUES (1, 'Nguyễn Văn An'), (2, 'Trần Thị Bình')");
    await db1.close();
    await first.stop();
    expect(existsSync(join(dir, 'gateway.pid'))).to.equal(false);

    const second = await startEmbeddedPostgres({ dataDir: dir });
    const db2 = createDb(second.url, { max: 1 });
    try {
      const res = await db2.query<{ id: number; ho_ten: string }>('SELECT id, ho_ten FROM kept ORDER BY id');
      expect(res.rows).to.deep.equal([
        { id: 1, ho_ten: 'Nguyễn Văn An' },
        { id: 2, ho_ten: 'Trần Thị Bình' },
      ]);
    } finally {
      await db2.close();
      await second.stop();
    }
  });

  it('refuses a folder whose pid file names another live Node process (db.embedded_in_use)', async function () {
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    children.push(other);
    expect(other.pid).to.be.a('number');
    writeFileSync(join(dir, 'gateway.pid'), String(other.pid));
    let failure: unknown;
    await startEmbeddedPostgres({ dataDir: dir }).catch((err: unknown) => (failure = err));
    expect(failure).to.be.instanceOf(GatewayError);
    expect((failure as GatewayError).code).to.equal('db.embedded_in_use');
    expect((failure as GatewayError).message).to.include(String(other.pid)).and.include('DATABASE_URL');
    // The owner's claim is left alone.
    expect(readFileSync(join(dir, 'gateway.pid'), 'utf8')).to.equal(String(other.pid));
  });

  it('takes over a folder whose pid file names a live process that is not Node (pid reused after a restart)', async function () {
    const stranger = spawn('sleep', ['30'], { stdio: 'ignore' });
    children.push(stranger);
    await expectTakenOver(stranger.pid);
  });

  it('takes over a folder whose pid file names a process that has ended', async function () {
    const gone = spawn('sleep', ['30'], { stdio: 'ignore' });
    gone.kill('SIGKILL');
    await exited(gone);
    await expectTakenOver(gone.pid);
  });

  /** Writes `pid` as the folder's owner, opens the folder, and expects this process to own it. */
  async function expectTakenOver(pid: number | undefined): Promise<void> {
    writeFileSync(join(dir, 'gateway.pid'), String(pid));
    const embedded = await startEmbeddedPostgres({ dataDir: dir });
    try {
      expect(readFileSync(join(dir, 'gateway.pid'), 'utf8').trim()).to.equal(String(process.pid));
    } finally {
      await embedded.stop();
    }
  }
});
