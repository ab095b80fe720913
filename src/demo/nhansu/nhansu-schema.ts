import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Queryable } from '../../db/db.js';
import { paths } from '../../paths.js';
import { DemoError } from '../demo-error.js';
import { withoutTransactionControl } from '../provincial-schema.js';
import { NHANSU_TABLES } from './nhansu-tables.js';

/**
 * Installs the nhansu vendor's schema (mappings/nhansu/schema.sql, shipped with its mapping)
 * where it is absent, as one implicit transaction. Idempotent. For the demo, the tests and the
 * benches only: the gateway never creates a vendor's tables in a province's database.
 */
export const NHANSU_SCHEMA_SQL = join(paths.mappings, 'nhansu', 'schema.sql');

export async function countNhansuTables(db: Queryable): Promise<number> {
  const res = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'nhansu' AND tablename = ANY($1::text[])`,
    [NHANSU_TABLES],
  );
  return res.rows[0]?.n ?? 0;
}

export async function installNhansuSchema(db: Queryable): Promise<{ schemaCreated: boolean }> {
  const present = await countNhansuTables(db);
  if (present === NHANSU_TABLES.length) return { schemaCreated: false };
  if (present > 0) {
    throw new DemoError('demo.schema_partial', `schema nhansu holds ${present} of the ${NHANSU_TABLES.length} vendor tables: drop it or complete it by hand`);
  }
  await db.query(withoutTransactionControl(readFileSync(NHANSU_SCHEMA_SQL, 'utf8')));
  return { schemaCreated: true };
}
