import type { Queryable } from '../db/db.js';
import { speakingSource } from './ownership-store.js';
import { SOURCE_REMOVED } from './sources-error.js';

/**
 * A source removed from the sources file (docs/merged-province.md, "Removing a source"): its
 * stored history stays readable under its name, and nothing more is sent for it. SQL only.
 *
 * - The sync's hold (`holdRemovedSources`, run by the sync's composer before each merged run):
 *   a version it left queued is held (`held`, with the problem `sources.source_removed`, so `tx`
 *   shows why); nothing is deleted, and no version is made for its people, so the national side
 *   keeps their records as they are. A version already in a signed packet is sent with its
 *   packet: a packet is never re-signed. When the source is listed again, the versions held for
 *   its removal go back to the queue.
 * - The operators' guard (`removedSourceGuard`): a re-send or a `prefer` for it is refused
 *   (`sources.source_removed`) instead of falling back to another source.
 *
 * The two read "removed" differently, on purpose: the hold treats every source not in the file
 * as removed (only sources with versions are touched), while the guard also asks that the store
 * knows the name, so a typo in `prefer --source` gets the conflict's own refusal.
 */
const S = 'csdl_gateway';

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
        WHERE listed_status = 'queued' AND NOT (source = ANY($1::text[]))
        RETURNING source)
     SELECT source, count(*)::int AS n FROM h GROUP BY source`,
    [configured, problem],
  );
  const released = await q.query(
    `UPDATE ${S}.record_versions SET status = 'queued', errors = NULL, updated_at = now()
      WHERE listed_status = 'held' AND source = ANY($1::text[]) AND errors @> $2::jsonb`,
    [configured, JSON.stringify([{ code: SOURCE_REMOVED }])],
  );
  return { held: Object.fromEntries(held.rows.map((r) => [r.source, r.n])), released: released.rowCount ?? 0 };
}

/** Which source an operator's action would act for, when that source was removed from the file. */
export interface RemovedSourceGuard {
  /** The removed source that speaks for this person, if it is one. */
  removedSpeaker(soDinhDanh: string): Promise<string | undefined>;
  /** Whether `name` is a source the store knows (versions or people) that the file no longer lists. */
  isRemoved(name: string): Promise<boolean>;
}

export function removedSourceGuard(db: Queryable, configured: readonly string[]): RemovedSourceGuard {
  const isRemoved = async (name: string): Promise<boolean> => {
    if (configured.includes(name)) return false;
    const res = await db.query<{ known: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM ${S}.record_versions WHERE source = $1)
           OR EXISTS (SELECT 1 FROM ${S}.person_state WHERE source = $1) AS known`, [name]);
    return res.rows[0]?.known === true;
  };
  return {
    isRemoved,
    async removedSpeaker(soDinhDanh) {
      const name = await speakingSource(db, soDinhDanh);
      return name !== undefined && !configured.includes(name) ? name : undefined;
    },
  };
}
