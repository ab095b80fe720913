import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { paths } from '../paths.js';
import type { Db } from './db.js';
import { DbError } from './db-error.js';

/**
 * Forward-only numbered migrations (`NNN_name.sql` in src/db/migrations), each applied in its
 * own transaction and recorded in csdl_gateway.schema_migrations (the graphile-worker model).
 * The gateway's objects live in the schema `csdl_gateway`, never in the vendor's `qlcb`.
 * Concurrent starts are serialised by a transaction-scoped advisory lock; a start with
 * nothing pending takes no lock and opens no transaction.
 */
export const GATEWAY_SCHEMA = 'csdl_gateway';
const LOCK_KEY = 73_102_026;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export function listMigrations(dir: string = paths.migrations): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => ({
      version: Number(file.slice(0, 3)),
      name: file.slice(4, -4),
      sql: readFileSync(join(dir, file), 'utf8'),
    }));
}

export async function appliedVersions(db: Db, schema: string = GATEWAY_SCHEMA): Promise<number[]> {
  const exists = await db.query<{ ok: boolean }>(
    `SELECT to_regclass('${schema}.schema_migrations') IS NOT NULL AS ok`,
  );
  if (!exists.rows[0]?.ok) return [];
  const res = await db.query<{ version: number }>(
    `SELECT version FROM ${schema}.schema_migrations ORDER BY version`,
  );
  return res.rows.map((r) => Number(r.version));
}

/**
 * Applies what is missing; returns the versions it applied. `schema` is where the migrations
 * table lives (the gateway's by default; the national simulator keeps its ledger in its own).
 */
export async function migrate(
  db: Db,
  migrations: Migration[] = listMigrations(),
  schema: string = GATEWAY_SCHEMA,
): Promise<number[]> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new DbError('db.schema_name_invalid', `invalid schema name ${schema}`);
  // Most starts find everything applied: one read, no transaction. What is missing is still
  // checked again under the lock, as another process may apply it meanwhile.
  const done = new Set(await appliedVersions(db, schema));
  const applied: number[] = [];
  for (const m of migrations.filter((x) => !done.has(x.version))) {
    const did = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK_KEY]);
      await tx.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await tx.query(
        `CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
           version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
      const seen = await tx.query(`SELECT 1 FROM ${schema}.schema_migrations WHERE version = $1`, [m.version]);
      if (seen.rowCount) return false;
      await tx.query(m.sql);
      await tx.query(`INSERT INTO ${schema}.schema_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      return true;
    });
    if (did) applied.push(m.version);
  }
  return applied;
}

/** Versions shipped with this build that the database has not applied. */
export async function pendingMigrations(
  db: Db,
  migrations: Migration[] = listMigrations(),
  schema: string = GATEWAY_SCHEMA,
): Promise<number[]> {
  const done = new Set(await appliedVersions(db, schema));
  return migrations.map((m) => m.version).filter((v) => !done.has(v));
}
