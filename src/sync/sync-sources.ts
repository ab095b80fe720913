import type { Db } from '../db/db.js';
import type { CompiledMapping } from '../mapping/mapping-compiler.js';
import type { RecordVersion } from '../outbox/outbox-types.js';

/**
 * One provincial database of a merged province, as the sync reads it: its name (stored with
 * every version, migration 015), its mapping in force, and its database, opened when first
 * asked and asked again each run: a source unreachable at start or lost mid-run is taken up
 * by the next run without a restart.
 */
export interface SyncSource {
  name: string;
  mapping(): CompiledMapping;
  db(): Promise<Db>;
}

/** Why a source's people wait this run (no personal data: the error as the driver gave it). */
export interface SourceFailure {
  source: string;
  error: string;
}

/**
 * How the versions a source collected are recorded: as they are (one source), or through the
 * ownership of each số định danh across sources (ownership.ts), which holds a person two
 * sources approve.
 */
export type RecordCollected = (source: string, runId: string, versions: RecordVersion[]) => Promise<{ conflicts: number; held: number; moved: number } | void>;

/**
 * Who speaks for each person across sources (src/sources/ownership-store.ts), as the merged
 * sync asks it: `record` a source's versions through ownership; which due people may be
 * `streamable` as one source streams them; `claim` those just before they are packed.
 */
export interface OwnershipDecisions {
  record: RecordCollected;
  streamable(due: ReadonlyMap<string, ReadonlyMap<string, string>>): Promise<Map<string, Map<string, string>>>;
  claim(source: string, versions: RecordVersion[]): Promise<{ claimed: RecordVersion[]; contested: RecordVersion[] }>;
}
