import type { Queryable } from '../db/db.js';
import { speakingSource } from './ownership-store.js';

/**
 * Which source an operator's action would act for, when that source was removed from the
 * sources file (docs/merged-province.md, "Removing a source"): its history stays readable,
 * and nothing more is sent for it, so a re-send or a `prefer` for it is refused
 * (`sources.source_removed`) instead of falling back to another source. SQL only.
 */
export interface RemovedSourceGuard {
  /** The removed source that speaks for this person, if it is one. */
  removedSpeaker(soDinhDanh: string): Promise<string | undefined>;
  /** Whether `name` is a source the store knows (versions or people) that the file no longer lists. */
  isRemoved(name: string): Promise<boolean>;
}

const S = 'csdl_gateway';

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
