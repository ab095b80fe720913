import type { Queryable } from '../db/db.js';

/**
 * A source removed from the sources file (docs/merged-province.md, "Removing a source"): its
 * stored history stays readable under its name, and nothing more is sent for it. A version it
 * left queued is held (`held`, with the problem `sources.source_removed`, so `tx` shows why);
 * nothing is deleted, and no version is made for its people, so the national side keeps their
 * records as they are. A version already in a signed packet is sent with its packet: a packet
 * is never re-signed. When the source is listed again, the versions held for its removal go
 * back to the queue. SQL only; the sync's composer runs it before each merged run.
 */
const S = 'csdl_gateway';
export const SOURCE_REMOVED = 'sources.source_removed';

export interface RemovedSourcesOutcome {
  /** Versions held this time, by removed source. */
  held: Record<string, number>;
  /** Versions queued again because their source is listed again. */
  released: number;
}

export async function holdRemovedSources(q: Queryable, configured: readonly string[]): Promise<RemovedSourcesOutcome> {
  const problem = JSON.stringify([{
    code: SOURCE_REMOVED, path: '',
    message: 'its source is no longer in the sources file: nothing more is sent for it (nguồn đã bị gỡ khỏi tệp nguồn)',
  }]);
  const held = await q.query<{ source: string; n: number }>(
    `WITH h AS (
       UPDATE ${S}.record_versions SET status = 'held', errors = $2::jsonb, updated_at = now()
        WHERE status = 'queued' AND NOT (source = ANY($1::text[]))
        RETURNING source)
     SELECT source, count(*)::int AS n FROM h GROUP BY source`,
    [configured, problem],
  );
  const released = await q.query(
    `UPDATE ${S}.record_versions SET status = 'queued', errors = NULL, updated_at = now()
      WHERE status = 'held' AND source = ANY($1::text[]) AND errors @> $2::jsonb`,
    [configured, JSON.stringify([{ code: SOURCE_REMOVED }])],
  );
  return { held: Object.fromEntries(held.rows.map((r) => [r.source, r.n])), released: released.rowCount ?? 0 };
}
