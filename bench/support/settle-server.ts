import pg from 'pg';
import { databaseUrl } from '../../test/setup/postgres-server.js';

/**
 * Vacuums and analyses every database of the bench's server, so the next measurement does not
 * share the machine with autovacuum catching up on an earlier phase's writes. With the server's
 * default naptime, autovacuum first ran about a minute in, during the sharing loads: it read
 * each earlier first sync's 53 MB of envelopes (1-2 s a store) and the provincial tables, and
 * its CPU fell on whichever of the floor and the gateway was loaded then. Returns the time it
 * took.
 */
export async function settleServer(adminUrl: string): Promise<number> {
  const started = performance.now();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  let names: string[];
  try {
    const res = await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname');
    names = res.rows.map((r) => r.datname);
  } finally {
    await admin.end();
  }
  for (const name of names) {
    const client = new pg.Client({ connectionString: databaseUrl(adminUrl, name) });
    await client.connect();
    try {
      await client.query('VACUUM (ANALYZE)');
    } finally {
      await client.end();
    }
  }
  return performance.now() - started;
}
