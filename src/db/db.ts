import pg from 'pg';
import { GatewayError } from '../errors.js';

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

export class DbError extends GatewayError {}

/** A connection or query failure turned into one readable line, with the cause kept. */
export function toDbError(err: unknown, what: string): DbError {
  const e = err as { code?: string; message?: string };
  const reason = e.message && e.message.length > 0 ? e.message : (e.code ?? String(err));
  const unreachable = ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNRESET'];
  const code = e.code && unreachable.includes(e.code) ? 'db.unreachable' : 'db.error';
  return new DbError(code, `${what}: ${reason}`, { cause: err, retryable: code === 'db.unreachable' });
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

  return {
    description,
    query: (text, values) => pool.query(text, values),
    async transaction(fn, txOptions = {}) {
      const client = await pool.connect();
      // A checked-out client whose server goes away (a source stopped mid-run) emits 'error'
      // between queries: without a listener that crashes the process. The next statement
      // fails where it is awaited; the broken client is discarded, not pooled again.
      const lost = watchLoss(client);
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
        lost.release();
      }
    },
    async withClient(fn) {
      const client = await pool.connect();
      const lost = watchLoss(client);
      try {
        return await fn(client);
      } finally {
        lost.release();
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

/** Listens for a checked-out client's connection error until it is released (then discarded if it broke). */
function watchLoss(client: pg.PoolClient): { release(): void } {
  let broken: Error | undefined;
  const onError = (err: Error): void => {
    broken = err;
  };
  client.on('error', onError);
  return {
    release() {
      client.off('error', onError);
      client.release(broken);
    },
  };
}
