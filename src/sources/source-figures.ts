import type { Queryable } from '../db/db.js';

/**
 * A merged province's per-source figures for /metrics (src/ops/metrics.ts): record versions
 * by source and state, open conflicts by source side, and whether the last finished sync read
 * each configured source (its stored summary's `sourcesFailed`). Counts and source names only.
 */
export async function sourceFigures(db: Queryable, sources: readonly string[]): Promise<{
  records: { source: string; state: string; n: number }[];
  openConflicts: { source: string; n: number }[];
  lastSyncRead: { source: string; ok: boolean }[];
}> {
  const [records, conflicts, last] = await Promise.all([
    db.query<{ source: string; state: string; n: number }>(
      'SELECT source, status AS state, count(*)::int AS n FROM csdl_gateway.record_versions GROUP BY 1, 2'),
    db.query<{ source: string; n: number }>(
      `SELECT s.side->>'source' AS source, count(*)::int AS n
         FROM csdl_gateway.source_conflicts c, jsonb_array_elements(c.sides) AS s(side)
        WHERE c.settled_at IS NULL GROUP BY 1`),
    db.query<{ failed: string[] | null }>(
      `SELECT ARRAY(SELECT f->>'source' FROM jsonb_array_elements(coalesce(summary->'sourcesFailed', '[]'::jsonb)) AS f) AS failed
         FROM csdl_gateway.sync_runs WHERE status = 'finished' AND NOT dry_run ORDER BY id DESC LIMIT 1`),
  ]);
  const failed = new Set(last.rows[0]?.failed ?? []);
  return {
    records: records.rows,
    openConflicts: conflicts.rows,
    lastSyncRead: last.rows.length === 0 ? [] : sources.map((source) => ({ source, ok: !failed.has(source) })),
  };
}
