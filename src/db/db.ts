import pg from 'pg';
import { DbError } from './db-error.js';

/**
 * Everything reaches PostgreSQL through this one small interface (the pg-boss model):
 * stores hold their SQL in named functions and call `query`. The same code serves a real
 * PostgreSQL server and the embedded PGlite, which is reached over its socket server so
 * the `pg` client path is identical.
 */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>;
}

export interface Db extends Queryable {
  /** Runs `fn` in one transaction on one connection; commits, or rolls back on a throw. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** Holds one connection for `fn` (cursors, session-level locks). */
  withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** Which back end this is, for start-up lines and /readyz. */
  readonly description: string;
}

export interface TransactionOptions {
  isolation?: 'read committed' | 'repeatable read' | 'serializable';
  readOnly?: boolean;
}

export interface DbOptions {
  /** Pool size. The embedded PGlite serves one connection at a time: use 1 there. */
  max?: number;
  description?: string;
  applicationName?: string;
  /** Close idle connections after this long; 0 keeps them (the embedded PGlite). */
  idleTimeoutMillis?: number;
}


/** A connection or query failure turned into one readable line, with the cause kept. */
export function toDbError(err: unknown, what: string): DbError {
  const e = err as { code?: string; message?: string };
  const reason = e.message && e.message.length > 0 ? e.message : (e.code ?? String(err));
  const unreachable = ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNRESET'];
  const code = e.code && unreachable.includes(e.code) ? 'db.unreachable' : 'db.error';
  return new DbError(code, `${what}: ${reason}`, { cause: err, retryable: code === 'db.unreachable' });
}

/**
 * Whether a raw error says the database cannot be reached right now rather than that a
 * statement is wrong: a connection refused, reset or cut (SQLSTATE class 08), the server
 * shutting down or starting up (57P01-57P03), a pool that could not connect in time. Such a
 * failure is answered 503 (try again), never 500.
 */
export function isDbUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  if (!e || typeof e !== 'object') return false;
  const code = typeof e.code === 'string' ? e.code : '';
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03'].includes(code)) return true;
  if (/^08[0-9A-Z]{3}$/.test(code)) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(message);
}

/** Parses and checks a connection URL without connecting. */
export function checkDatabaseUrl(url: string, key: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DbError('config.invalid', `${key} is not a URL (expected postgres://user:pass@host:port/db)`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') {
    throw new DbError('config.invalid', `${key} must start with postgres:// or postgresql://, got '${parsed.protocol}'`);
  }
}

export function createDb(url: string, options: DbOptions = {}): Db {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.max ?? 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: options.idleTimeoutMillis ?? 30_000,
    application_name: options.applicationName ?? 'csdl-gateway',
  });
  // An idle client that loses its server must not crash the process; the next query
  // reconnects and reports the failure where it can be handled.
  pool.on('error', () => undefined);
  const description = options.description ?? redactUrl(url);
  // A checked-out client whose server goes away between two queries (a restart, a failover:
  // "terminating connection due to administrator command") emits 'error' with no query to fail;
  // unheard, that crashes the process. The next query on it fails and is handled where it is
  // made; a client that saw such an error is discarded, not returned to the pool.
  const broken = new WeakSet<pg.PoolClient>();
  const onClientError = function (this: pg.PoolClient) {
    broken.add(this);
  };
  async function checkOut(): Promise<pg.PoolClient> {
    const client = await pool.connect();
    client.on('error', onClientError);
    return client;
  }
  function checkIn(client: pg.PoolClient): void {
    client.off('error', onClientError);
    client.release(broken.has(client) ? true : undefined);
  }

  return {
    description,
    query: (text, values) => pool.query(text, values),
    async transaction(fn, txOptions = {}) {
      const client = await checkOut();
      try {
        const mode = [
          txOptions.isolation ? `ISOLATION LEVEL ${txOptions.isolation.toUpperCase()}` : '',
          txOptions.readOnly ? 'READ ONLY' : '',
        ].filter(Boolean).join(' ');
        await client.query(`BEGIN ${mode}`.trim());
        const result = await fn(client);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        checkIn(client);
      }
    },
    async withClient(fn) {
      const client = await checkOut();
      try {
        return await fn(client);
      } finally {
        checkIn(client);
      }
    },
    close: () => pool.end(),
  };
}

/** The URL without its password, for logs and start-up lines. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
