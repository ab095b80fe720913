import type { Queryable } from '../db/db.js';

/**
 * The problems of a person's failing versions (migration 011's `failing_versions`) exactly as
 * stored, with the vendor place each value came from (`source`) and the schema rule that
 * failed (`rule`), which the listing's reads leave out. SQL only.
 */
const S = 'csdl_gateway';

export interface StoredProblem {
  code: string;
  path?: string;
  source?: string;
  rule?: string;
  message: string;
}

export interface FailingVersion {
  id: string;
  vendorId: string;
  soDinhDanh: string | null;
  state: string;
  problems: StoredProblem[];
}

export async function failingVersionsOf(db: Queryable, vendorIds: string[], source?: string): Promise<FailingVersion[]> {
  const res = await db.query<{ id: string; vendor_id: string; so_dinh_danh: string | null; status: string; errors: StoredProblem[] | null }>(
    `SELECT f.id::text AS id, f.vendor_id, f.so_dinh_danh, f.status, f.errors
       FROM ${S}.failing_versions f WHERE f.vendor_id = ANY($1::text[]) AND ($2::text IS NULL OR f.source = $2) ORDER BY f.vendor_id, f.id`,
    [vendorIds, source ?? null],
  );
  return res.rows.map((r) => ({ id: r.id, vendorId: r.vendor_id, soDinhDanh: r.so_dinh_danh, state: r.status, problems: r.errors ?? [] }));
}

/** The vendor ids the gateway took in under a số định danh (usually one). */
/** The sources holding versions of the person a số định danh or a vendor id names. */
export async function sourcesOf(db: Queryable, by: 'soDinhDanh' | 'vendorId', value: string): Promise<string[]> {
  const column = by === 'soDinhDanh' ? 'so_dinh_danh' : 'vendor_id';
  const res = await db.query<{ source: string }>(`SELECT DISTINCT source FROM ${S}.record_versions WHERE ${column} = $1 ORDER BY source`, [value]);
  return res.rows.map((r) => r.source);
}

export async function vendorIdsOf(db: Queryable, soDinhDanh: string, source?: string): Promise<string[]> {
  const res = await db.query<{ vendor_id: string }>(
    `SELECT DISTINCT vendor_id FROM ${S}.record_versions WHERE so_dinh_danh = $1 AND ($2::text IS NULL OR source = $2) ORDER BY vendor_id`,
    [soDinhDanh, source ?? null]);
  return res.rows.map((r) => r.vendor_id);
}
