import { join } from 'node:path';
import type { Config } from '../config/config.js';
import { checkDatabaseUrl, createDb, redactUrl, toDbError, type Db } from '../db/db.js';
import { DbError } from '../db/db-error.js';
import type { EmbeddedPostgres } from '../db/embedded-postgres.js';
import { bindInstance } from '../db/instance-store.js';
import { migrate } from '../db/migrate.js';
import { DEFAULT_SOURCE } from '../sources/sources-file.js';

/**
 * Opens the two databases the gateway works with. Each is either a PostgreSQL server named
 * by a URL or, when the URL is unset, an embedded PGlite in its own folder under DATA_DIR:
 * `store/` (the gateway's outbox and audit) and `provincial/` (the demo provincial database).
 * They are separate instances, as in production, so a long read of the provincial snapshot
 * never holds up writes to the store.
 */
export interface OpenedDatabase {
  db: Db;
  url: string;
  embedded: boolean;
  /** Closes the pool and, when embedded, stops the PGlite instance. */
  close(): Promise<void>;
}

async function checkReachable(db: Db, key: string, url: string): Promise<void> {
  try {
    await db.query('SELECT 1');
  } catch (err) {
    await db.close().catch(() => undefined);
    throw toDbError(err, `${key}: cannot reach ${redactUrl(url)}`);
  }
}

/** A PostgreSQL server named by `url` (from configuration key or option `key`), checked reachable. */
async function openServer(url: string, key: string, appName: string, max: number): Promise<OpenedDatabase> {
  checkDatabaseUrl(url, key);
  const db = createDb(url, { max, applicationName: appName });
  await checkReachable(db, key, url);
  return { db, url, embedded: false, close: () => db.close() };
}

/**
 * Whether a command may work on an embedded store the running gateway holds, through the
 * gateway's own server (db/pglite-wire-server.ts): the commands that read, and that change
 * only what a transaction guards (tokens, clients, tx reads, audit). Never a second gateway or
 * a sync: the sync lock of an embedded store lives in its holder's process.
 */
export interface OpenOptions {
  borrowRunning?: boolean;
}

async function borrow(embeddedDir: string, appName: string): Promise<OpenedDatabase | undefined> {
  const { EMBEDDED_POOL, borrowedEmbedded } = await import('../db/embedded-postgres.js');
  const held = borrowedEmbedded(embeddedDir);
  if (!held) return undefined;
  const db = createDb(held.url, { ...EMBEDDED_POOL, applicationName: appName, description: `embedded PGlite in ${embeddedDir}, served by process ${held.pid}` });
  try {
    await db.query('SELECT 1');
  } catch (err) {
    await db.close().catch(() => undefined);
    throw new DbError('db.embedded_in_use',
      `the embedded database in ${embeddedDir} is held by process ${held.pid}, which does not answer on ${redactUrl(held.url)} (${(err as Error).message}); ` +
      'wait until the gateway has started, or stop it', { cause: err });
  }
  return { db, url: held.url, embedded: true, close: () => db.close() };
}

async function open(url: string | undefined, key: string, embeddedDir: string, appName: string, options: OpenOptions = {}): Promise<OpenedDatabase> {
  if (url) return openServer(url, key, appName, 10);
  if (options.borrowRunning) {
    const borrowed = await borrow(embeddedDir, appName);
    if (borrowed) return borrowed;
  }
  // PGlite is imported only when a database is embedded, not by a gateway given URLs.
  const { EMBEDDED_POOL, startEmbeddedPostgres } = await import('../db/embedded-postgres.js');
  const embedded: EmbeddedPostgres = await startEmbeddedPostgres({ dataDir: embeddedDir });
  const db = createDb(embedded.url, { ...EMBEDDED_POOL, applicationName: appName, description: `embedded PGlite in ${embeddedDir}` });
  return {
    db,
    url: embedded.url,
    embedded: true,
    async close() {
      await db.close();
      await embedded.stop();
    },
  };
}

export function openStoreDatabase(config: Config, options: OpenOptions = {}): Promise<OpenedDatabase> {
  return open(config.databaseUrl, 'DATABASE_URL', join(config.dataDir, 'store'), 'csdl-gateway', options);
}

/**
 * The store ready for work, as start, sync and migrate need it: opened, migrated to this
 * build's schema and bound to SENDER_CODE (db/instance-store.ts). On a refusal it is closed
 * again, so an embedded store's folder is released. `applied` lists the versions it applied.
 */
export async function openMigratedStore(config: Config, options: OpenOptions = {}): Promise<{ store: OpenedDatabase; applied: number[] }> {
  const store = await openStoreDatabase(config, options);
  try {
    const applied = await migrate(store.db);
    await bindInstance(store.db, config.senderCode);
    return { store, applied };
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
}

export function openSourceDatabase(config: Config, options: OpenOptions = {}): Promise<OpenedDatabase> {
  // A merged province's first source stands for "the provincial database" where one is meant
  // (start-up counts, pull, sharing); the sync reads every source (compose/source-handles.ts).
  const first = config.sources.fromFile ? config.sources.sources[0] : undefined;
  if (first) return openNamedSource(config, first.name, first.databaseUrl, options);
  return open(config.sourceDatabaseUrl, 'SOURCE_DATABASE_URL', join(config.dataDir, 'provincial'), 'csdl-gateway-source', options);
}

/**
 * One source of a merged province (SOURCES_FILE), named in errors by its name, never by its
 * URL's password. Without a URL (the rehearsal's demo sources): an embedded PGlite under
 * DATA_DIR/provincial-NAME (`default`: DATA_DIR/provincial).
 */
export function openNamedSource(config: Config, name: string, url: string | undefined, options: OpenOptions = {}): Promise<OpenedDatabase> {
  // The rehearsal's `default` source is the embedded demo database a one-source gateway reads.
  const dir = name === DEFAULT_SOURCE ? 'provincial' : `provincial-${name}`;
  return open(url, `source ${name}`, join(config.dataDir, dir), `csdl-gateway-source-${name}`, options);
}

/**
 * The provincial database for a command: `--database URL` when given (a plain pool, never
 * embedded), otherwise the configured one (SOURCE_DATABASE_URL, or the embedded demo).
 */
export function openSourceFromOption(url: string | undefined, config: () => Config, appName: string, options: OpenOptions = {}): Promise<OpenedDatabase> {
  return url === undefined ? openSourceDatabase(config(), options) : openServer(url, '--database', appName, 3);
}
