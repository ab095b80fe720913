import { expect } from 'chai';
import { createDb, type Db } from '../../src/db/db.js';
import { appliedVersions, listMigrations, migrate, pendingMigrations, type Migration } from '../../src/db/migrate.js';
import { BACKENDS, freshDatabase, type TestDatabase } from '../setup/databases.js';

async function gatewayTables(db: Db): Promise<string[]> {
  const res = await db.query<{ table_name: string }>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'csdl_gateway' ORDER BY table_name",
  );
  return res.rows.map((r) => r.table_name);
}

async function recordedVersions(db: Db): Promise<number[]> {
  const res = await db.query<{ version: number }>('SELECT version FROM csdl_gateway.schema_migrations ORDER BY version');
  return res.rows.map((r) => r.version);
}

describe('db: migrations on disk', function () {
  it('are numbered from 1 without gaps and named NNN_name.sql', function () {
    const versions = listMigrations().map((m) => m.version);
    expect(versions[0]).to.equal(1);
    expect(versions).to.deep.equal(versions.map((_, i) => i + 1));
  });
});

for (const backend of BACKENDS) {
  describe(`db: migrate (${backend})`, function () {
    this.timeout(60_000);
    let t: TestDatabase;
    const shipped = listMigrations().map((m) => m.version);

    before(async function () {
      t = await freshDatabase(backend);
    });
    after(async function () {
      await t?.drop();
    });

    it('has every migration pending on an empty database', async function () {
      expect(await appliedVersions(t.db)).to.deep.equal([]);
      expect(await pendingMigrations(t.db)).to.deep.equal(shipped);
    });

    it('creates schema csdl_gateway with its tables, and nothing outside it', async function () {
      expect(await migrate(t.db)).to.deep.equal(shipped);
      const schema = await t.db.query("SELECT 1 FROM information_schema.schemata WHERE schema_name = 'csdl_gateway'");
      expect(schema.rowCount).to.equal(1);
      expect(await gatewayTables(t.db)).to.include.members(['gateway_instance', 'schema_migrations']);
      const elsewhere = await t.db.query<{ name: string }>(
        `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables
          WHERE table_schema NOT IN ('csdl_gateway', 'pg_catalog', 'information_schema')`,
      );
      expect(elsewhere.rows.map((r) => r.name)).to.deep.equal([]);
    });

    it('records each version once and leaves nothing pending', async function () {
      expect(await recordedVersions(t.db)).to.deep.equal(shipped);
      expect(await pendingMigrations(t.db)).to.deep.equal([]);
    });

    it('applies nothing on a second run', async function () {
      expect(await migrate(t.db)).to.deep.equal([]);
      expect(await recordedVersions(t.db)).to.deep.equal(shipped);
    });

    it('opens no transaction when nothing is pending, and one per missing migration otherwise', async function () {
      let transactions = 0;
      const counting: Db = {
        ...t.db,
        transaction: (fn, options) => {
          transactions += 1;
          return t.db.transaction(fn, options);
        },
      };
      expect(await migrate(counting)).to.deep.equal([]);
      expect(transactions).to.equal(0);
      const extra: Migration = { version: 950, name: 'extra', sql: 'CREATE TABLE csdl_gateway.extra_950 (id int PRIMARY KEY)' };
      expect(await migrate(counting, [...listMigrations(), extra])).to.deep.equal([950]);
      expect(transactions).to.equal(1);
      await t.db.query('DROP TABLE csdl_gateway.extra_950');
      await t.db.query('DELETE FROM csdl_gateway.schema_migrations WHERE version = 950');
    });

    it('rolls a failing migration back whole and does not record it', async function () {
      const broken: Migration = {
        version: 900,
        name: 'broken',
        sql: 'CREATE TABLE csdl_gateway.half_done (id int PRIMARY KEY); SELECT * FROM no_such_table;',
      };
      let failure: unknown;
      await migrate(t.db, [...listMigrations(), broken]).catch((err: unknown) => (failure = err));
      expect(failure).to.be.instanceOf(Error);
      expect(await gatewayTables(t.db)).not.to.include('half_done');
      expect(await recordedVersions(t.db)).to.deep.equal(shipped);
      expect(await pendingMigrations(t.db, [...listMigrations(), broken])).to.deep.equal([900]);
    });
  });
}

describe('db: concurrent migrate (postgres)', function () {
  this.timeout(60_000);
  let t: TestDatabase;
  const pools: Db[] = [];

  before(async function () {
    t = await freshDatabase('postgres');
  });
  after(async function () {
    for (const pool of pools) await pool.close();
    await t?.drop();
  });

  it('lets simultaneous starts all succeed and applies each version once', async function () {
    // Separate pools, as separate gateway processes would have.
    // Extra migrations without IF NOT EXISTS widen the race: applied twice, they would fail.
    const extra: Migration[] = [901, 902, 903].map((version) => ({
      version,
      name: `race_${version}`,
      sql: `CREATE TABLE csdl_gateway.race_${version} (id int PRIMARY KEY)`,
    }));
    const all = [...listMigrations(), ...extra];
    for (let i = 0; i < 4; i++) pools.push(createDb(t.url, { max: 2 }));
    const results = await Promise.all(pools.map((pool) => migrate(pool, all)));
    const versions = all.map((m) => m.version);
    expect(results.flat().sort((a, b) => a - b)).to.deep.equal(versions);
    expect(await recordedVersions(t.db)).to.deep.equal(versions);
  });
});
