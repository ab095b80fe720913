import type { Db } from '../db/db.js';
import type { CompiledMapping } from '../mapping/mapping-compiler.js';
import type { RecordVersion } from '../outbox/outbox-types.js';
import type { Owner } from '../sources/ownership-rule.js';

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
 * How the versions a source of a merged province collected are recorded: through the
 * ownership of each số định danh across sources (ownership-store.ts), which holds a person two
 * sources approve; `claimed`, people another source took this run (stream-gate.ts).
 */
export type RecordCollected = (
  source: string, runId: string, versions: RecordVersion[], claimed?: ReadonlyMap<string, Owner>,
) => Promise<{ conflicts: number; held: number; moved: number }>;

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
