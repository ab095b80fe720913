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
export type RecordCollected = (
  source: string, runId: string, versions: RecordVersion[], claimed?: ReadonlyMap<string, PersonOwner>,
) => Promise<{ conflicts: number; held: number; moved: number } | void>;

/** The source (and its vendor id) that speaks for a person nationally; `departed` when its last word was that they left. */
export interface PersonOwner {
  source: string;
  vendorId: string;
  departed: boolean;
}

/**
 * Who speaks for each person across sources (src/sources/ownership-store.ts), as the merged
 * sync asks it: `record` a source's versions through ownership; which due people may be
 * `streamable` as one source streams them; `keepOwners` of the streamed people who have an
 * owner row.
 */
export interface OwnershipDecisions {
  record: RecordCollected;
  streamable(due: ReadonlyMap<string, ReadonlyMap<string, string>>): Promise<{ streamed: Map<string, Map<string, string>>; owned: Set<string> }>;
  keepOwners(source: string, versions: RecordVersion[]): Promise<void>;
}
