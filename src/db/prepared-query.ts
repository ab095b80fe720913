import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Db, Queryable } from './db.js';

/** Each pg connection's own tag, added to the names of the statements prepared on it (see below). */
const tags = new WeakMap<pg.Client, string>();

function tagOf(client: pg.Client): string {
  let tag = tags.get(client);
  if (!tag) {
    tag = randomBytes(6).toString('hex');
    tags.set(client, tag);
  }
  return tag;
}

function onConnection<R extends pg.QueryResultRow>(client: pg.Client, name: string, text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
  return client.query<R>({ name: `${name}_${tagOf(client)}`, text, values });
}

/**
 * Runs a statement that is sent on every request (the sharing read's token check, a rate
 * lease) as a named prepared statement wherever the connection allows it: PostgreSQL parses and
 * plans it once per connection, not at every call; planning the token check took as long as
 * running it (0.2 ms each, EXPLAIN ANALYZE).
 *
 * On a pool (`Db`) it holds a connection for the statement; on a pg connection (a
 * transaction's) it names the statement there; anything else (a test's stand-in) gets the plain
 * text. `sending` is called just before the statement goes out, once a connection is held.
 *
 * The name is `name` and a tag of the connection's own: the embedded PGlite is one backend
 * that every connection shares, prepared statements included (pglite-wire-server.ts), so a
 * second connection (a CLI beside the running gateway, a pool's connection made again) that
 * prepared the same bare name would be refused (42P05: it exists already).
 */
export async function preparedQuery<R extends pg.QueryResultRow>(
  q: Queryable | Db, name: string, text: string, values: unknown[], sending?: () => void,
): Promise<R[]> {
  if ('withClient' in q) {
    return q.withClient(async (client) => {
      sending?.();
      return (await onConnection<R>(client, name, text, values)).rows;
    });
  }
  sending?.();
  if (q instanceof pg.Client) return (await onConnection<R>(q, name, text, values)).rows;
  return (await q.query<R>(text, values)).rows;
}
