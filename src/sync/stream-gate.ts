import type { Queryable } from '../db/db.js';
import type { CompiledMapping } from '../mapping/mapping-compiler.js';
import { readIdentities } from '../source/person-reader.js';
import type { OwnershipDecisions } from './sync-sources.js';

/**
 * Where a merged sync's sources meet before reading documents (docs/merged-province.md,
 * "Speed"). Each source, in its own snapshot, reads its due people's số định danh from their
 * person rows and `arrive`s; a source that fails or cannot be opened `leave`s. Once every
 * source is in, the store says which people no other source, owner or open conflict contests
 * (`streamable`): those a source streams as one source does, packed as they are mapped; the
 * others it records first. A failed decision streams no one (everyone is recorded first).
 */
export interface StreamGate {
  arrive(source: string, tx: Queryable, mapping: CompiledMapping, dueIds: string[]): Promise<void>;
  leave(source: string): void;
  /** The source's streamed people (vendor id -> số định danh), known once it has arrived. */
  streamed(source: string): ReadonlyMap<string, string>;
}

export function createStreamGate(sources: readonly string[], decide: OwnershipDecisions['streamable'], warn: (message: string, meta: object) => void): StreamGate {
  const due = new Map<string, Map<string, string>>();
  const waiting = new Set(sources);
  let allIn: () => void = () => undefined;
  const gathered = new Promise<void>((resolve) => {
    allIn = resolve;
  });
  const decision = gathered.then(() => decide(due)).catch((err: unknown) => {
    warn('which people may stream could not be decided: every source records its people first', { error: String(err) });
    return new Map<string, Map<string, string>>();
  });
  const decided = new Map<string, ReadonlyMap<string, string>>();
  const left = (source: string): void => {
    waiting.delete(source);
    if (waiting.size === 0) allIn();
  };
  return {
    async arrive(source, tx, mapping, dueIds) {
      due.set(source, await readIdentities(tx, mapping, dueIds));
      left(source);
      decided.set(source, (await decision).get(source) ?? new Map());
    },
    leave: left,
    streamed: (source) => decided.get(source) ?? new Map(),
  };
}
