import type pg from 'pg';
import type { Db, Queryable, TransactionOptions } from '../db/db.js';

/**
 * A database opened on its first statement, not before: what an operator's action is given for
 * a merged province's source, so an action that reads no source (a refused re-send, a retry, a
 * settle) opens none, and works while the source is down. `open` owns the connection (a source
 * handle opens it once and closes it with the others); closing this does nothing.
 */
export function dbWhenNeeded(open: () => Promise<Db>, description: string): Db {
  return {
    description,
    async query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
      return (await open()).query<R>(text, values);
    },
    async transaction<T>(fn: (tx: Queryable) => Promise<T>, options?: TransactionOptions): Promise<T> {
      return (await open()).transaction(fn, options);
    },
    async withClient<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
      return (await open()).withClient(fn);
    },
    async close() {
      // The opener's to close.
    },
  };
}
