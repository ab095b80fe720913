import { readFileSync } from 'node:fs';
import type { Queryable } from '../db/db.js';
import { paths } from '../paths.js';
import { DemoError } from './demo-error.js';

/**
 * Installs the vendor's schema `qlcb` (contract/provincial/schema.sql) where it is absent, and
 * its sample (sample.sql) when asked and not yet loaded. Idempotent. Each file is sent as one
 * multi-statement query without BEGIN/COMMIT, which PostgreSQL runs as one implicit
 * transaction: a failure leaves nothing half-created, and no connection is left inside an
 * open transaction. The gateway never does this to a real provincial database: it is for the
 * demo, the tests and the benches.
 */
export const PROVINCIAL_TABLES = [
  'dm_don_vi', 'dm_dan_toc', 'dm_ngach', 'can_bo', 'qua_trinh_cong_tac', 'dao_tao', 'ngoai_ngu', 'khen_thuong',
  'ky_luat', 'danh_gia', 'quan_he_gia_dinh', 'hop_dong', 'phe_duyet', 'tiep_nhan_chuyen_den',
] as const;

export interface InstallOptions {
  sample: boolean;
  /** The SQL files; default the copies under contract/provincial. */
  schemaSqlFile?: string;
  sampleSqlFile?: string;
}

export interface InstallResult {
  schemaCreated: boolean;
  sampleLoaded: boolean;
}

/** How many of the vendor tables exist (0: none; PROVINCIAL_TABLES.length: all). */
export async function countProvincialTables(db: Queryable): Promise<number> {
  const res = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'qlcb' AND tablename = ANY($1::text[])`,
    [PROVINCIAL_TABLES],
  );
  return res.rows[0]?.n ?? 0;
}

export async function hasSample(db: Queryable): Promise<boolean> {
  const res = await db.query<{ ok: boolean }>(`SELECT EXISTS (SELECT 1 FROM qlcb.can_bo WHERE ma_can_bo = 'VP0001') AS ok`);
  return res.rows[0]?.ok === true;
}

/** Strips the file's own BEGIN/COMMIT so that it runs as one implicit transaction. */
export function withoutTransactionControl(sql: string): string {
  return sql.replace(/^\s*(BEGIN|COMMIT)\s*;\s*$/gim, '');
}

export async function installProvincialSchema(db: Queryable, options: InstallOptions): Promise<InstallResult> {
  const result: InstallResult = { schemaCreated: false, sampleLoaded: false };
  const present = await countProvincialTables(db);
  if (present === 0) {
    await db.query(withoutTransactionControl(readFileSync(options.schemaSqlFile ?? paths.provincialSchemaSql, 'utf8')));
    result.schemaCreated = true;
  } else if (present < PROVINCIAL_TABLES.length) {
    throw new DemoError(
      'demo.schema_partial',
      `schema qlcb holds ${present} of the ${PROVINCIAL_TABLES.length} vendor tables: drop it or complete it by hand`,
    );
  }
  if (!options.sample || (await hasSample(db))) return result;

  // sample.sql uses fixed ids 1..100 and resets the sequences to 100: on top of other rows it
  // would collide with them or hand their ids out again.
  const used = await db.query<{ n: number }>(
    `SELECT ((SELECT count(*) FROM qlcb.can_bo) + (SELECT count(*) FROM qlcb.dm_don_vi)
           + (SELECT count(*) FROM qlcb.dm_dan_toc) + (SELECT count(*) FROM qlcb.dm_ngach))::int AS n`,
  );
  if ((used.rows[0]?.n ?? 0) > 0) {
    throw new DemoError(
      'demo.sample_conflict',
      'the sample must be loaded into an empty qlcb schema, before generated people: use a fresh database',
    );
  }
  await db.query(withoutTransactionControl(readFileSync(options.sampleSqlFile ?? paths.provincialSampleSql, 'utf8')));
  result.sampleLoaded = true;
  return result;
}
