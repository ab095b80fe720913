import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, type Db } from '../../src/db/db.js';
import { EMBEDDED_POOL, startEmbeddedPostgres } from '../../src/db/embedded-postgres.js';
import { migrate } from '../../src/db/migrate.js';
import { createDatabase, startThrowawayPostgres, type ThrowawayPostgres } from './postgres-server.js';

/**
 * Test databases on both back ends: a real PostgreSQL server (TEST_DATABASE_URL, or a
 * throw-away server started once for the run) and the embedded PGlite. Each call gives a
 * fresh, empty database, so test files never see each other's rows.
 */
export const BACKENDS = ['postgres', 'pglite'] as const;
export type Backend = (typeof BACKENDS)[number];

export interface TestDatabase {
  backend: Backend;
  url: string;
  db: Db;
  drop(): Promise<void>;
}

let server: ThrowawayPostgres | undefined;
let adminUrl: string | undefined;

/** URL of the real PostgreSQL server for this test run, started on first use. */
export async function postgresAdminUrl(): Promise<string> {
  if (adminUrl) return adminUrl;
  if (process.env.TEST_DATABASE_URL) {
    adminUrl = process.env.TEST_DATABASE_URL;
  } else {
    server = await startThrowawayPostgres();
    adminUrl = server.url;
  }
  return adminUrl;
}

export function stopTestPostgres(): void {
  server?.stop();
  server = undefined;
  adminUrl = undefined;
}

async function freshPostgres(): Promise<TestDatabase> {
  const admin = await postgresAdminUrl();
  const name = `gw_test_${randomBytes(6).toString('hex')}`;
  const url = await createDatabase(admin, name);
  const db = createDb(url, { max: 5 });
  return {
    backend: 'postgres',
    url,
    db,
    async drop() {
      await db.close();
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function freshPglite(): Promise<TestDatabase> {
  const embedded = await startEmbeddedPostgres();
  const db = createDb(embedded.url, EMBEDDED_POOL);
  return {
    backend: 'pglite',
    url: embedded.url,
    db,
    async drop() {
      await db.close();
      await embedded.stop();
    },
  };
}

export function freshDatabase(backend: Backend): Promise<TestDatabase> {
  return backend === 'postgres' ? freshPostgres() : freshPglite();
}

/**
 * In a describe: a fresh database of `backend` with the gateway's migrations applied, made
 * before its tests and dropped after them. Its `db` is there once `before` has run.
 */
export function migratedDatabase(backend: Backend): { readonly db: Db } {
  let t: TestDatabase | undefined;
  before(async function () {
    t = await freshDatabase(backend);
    await migrate(t.db);
  });
  after(async function () {
    await t?.drop();
  });
  return {
    get db(): Db {
      if (!t) throw new Error('the migrated database is made in the describe\'s before hook');
      return t.db;
    },
  };
}
