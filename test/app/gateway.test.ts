import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startGateway, type RunningGateway } from '../../src/app/gateway.js';
import { loadConfig } from '../../src/config/config.js';
import { listMigrations } from '../../src/db/migrate.js';
import { GatewayError } from '../../src/errors.js';
import { silentLogger } from '../../src/log/logger.js';
import { freshDatabase, type TestDatabase } from '../setup/databases.js';

async function readyz(gateway: RunningGateway): Promise<{ status: number; body: { status: string } }> {
  const res = await fetch(`http://127.0.0.1:${gateway.port}/readyz`);
  return { status: res.status, body: (await res.json()) as { status: string } };
}

async function instanceRow(gateway: RunningGateway): Promise<{ sender_code: string; created_at: Date } | undefined> {
  const res = await gateway.store.db.query<{ sender_code: string; created_at: Date }>(
    'SELECT sender_code, created_at FROM csdl_gateway.gateway_instance',
  );
  return res.rows[0];
}

describe('app: startGateway on the embedded default', function () {
  this.timeout(120_000);
  let dir: string;
  let running: RunningGateway | undefined;

  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'csdl-app-'));
  });
  afterEach(async function () {
    await running?.stop();
    running = undefined;
  });
  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  let firstRow: Awaited<ReturnType<typeof instanceRow>>;

  it('starts ready on an empty DATA_DIR, with both databases embedded under it', async function () {
    running = await startGateway(loadConfig({ DATA_DIR: dir, PORT: '0' }), silentLogger());
    expect(running.port).to.be.greaterThan(0);
    expect(running.store.embedded).to.equal(true);
    expect(running.source.embedded).to.equal(true);
    expect(existsSync(join(dir, 'store'))).to.equal(true);
    expect(existsSync(join(dir, 'provincial'))).to.equal(true);
    const versions = listMigrations().map((m) => m.version).join(', ');
    expect(running.summary.join('\n')).to.include(`migrations applied: ${versions}`);
    expect(await readyz(running)).to.deep.include({ status: 200 });
    firstRow = await instanceRow(running);
    expect(firstRow?.sender_code).to.equal('000.00.00.H62');
  });

  it('starts again on the same DATA_DIR still ready, with its instance row kept', async function () {
    running = await startGateway(loadConfig({ DATA_DIR: dir, PORT: '0' }), silentLogger());
    expect(running.summary.join('\n')).not.to.include('migrations applied');
    const { status, body } = await readyz(running);
    expect(status).to.equal(200);
    expect(body.status).to.equal('ready');
    const row = await instanceRow(running);
    expect(row?.sender_code).to.equal('000.00.00.H62');
    expect(row?.created_at.getTime()).to.equal(firstRow?.created_at.getTime());
  });

  it('refuses another SENDER_CODE on the same store and releases the folder', async function () {
    let failure: unknown;
    await startGateway(loadConfig({ DATA_DIR: dir, PORT: '0', SENDER_CODE: '000.00.00.H29' }), silentLogger()).catch(
      (err: unknown) => (failure = err),
    );
    expect((failure as GatewayError).code).to.equal('db.instance_mismatch');
    expect(existsSync(join(dir, 'store', 'gateway.pid'))).to.equal(false);
  });
});

describe('app: startGateway with DATABASE_URL on a real PostgreSQL', function () {
  this.timeout(120_000);
  let dir: string;
  let t: TestDatabase;
  let running: RunningGateway | undefined;

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), 'csdl-app-pg-'));
    t = await freshDatabase('postgres');
  });
  after(async function () {
    await running?.stop();
    await t?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates csdl_gateway there and answers ready; the provincial database stays embedded', async function () {
    running = await startGateway(loadConfig({ DATA_DIR: dir, PORT: '0', DATABASE_URL: t.url }), silentLogger());
    expect(running.store.embedded).to.equal(false);
    expect(running.source.embedded).to.equal(true);
    expect(existsSync(join(dir, 'store'))).to.equal(false);
    expect(existsSync(join(dir, 'provincial'))).to.equal(true);
    const res = await t.db.query<{ version: number }>('SELECT version FROM csdl_gateway.schema_migrations ORDER BY version');
    expect(res.rows.map((r) => r.version)).to.deep.equal(listMigrations().map((m) => m.version));
    const bound = await t.db.query<{ sender_code: string }>('SELECT sender_code FROM csdl_gateway.gateway_instance');
    expect(bound.rows).to.deep.equal([{ sender_code: '000.00.00.H62' }]);
    expect(await readyz(running)).to.deep.include({ status: 200 });
  });
});
