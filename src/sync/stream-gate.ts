import type { Queryable } from '../db/db.js';
import type { CompiledMapping } from '../mapping/mapping-compiler.js';
import type { RecordVersion } from '../outbox/outbox-types.js';
import { readIdentities } from '../source/person-reader.js';
import type { Owner } from '../sources/ownership-rule.js';
import type { OwnershipDecisions } from './sync-sources.js';

/**
 * Where a merged sync's sources meet before reading documents (docs/merged-province.md,
 * "Speed"). Each source, in its own snapshot, reads its due people's số định danh from their
 * person rows and `arrive`s; a source that fails or cannot be opened `leave`s. Once every
 * source is in, the store says which people no other source, owner or open conflict contests
 * (`streamable`): those a source streams as one source does, packed as they are mapped; the
 * others it records first. A failed decision streams no one (everyone is recorded first).
 *
 * The gate also keeps who took each person this run, in memory: one sync runs at a time, so
 * the only other writers of ownership meanwhile are this run's sources. A streamed version is
 * `claim`ed just before it is packed; one whose person another source took this run (a số
 * định danh its person row gave differently from its document) is contested and recorded
 * instead, and what a source records counts the people streamed elsewhere as theirs.
 */
export interface StreamGate {
  arrive(source: string, tx: Queryable, mapping: CompiledMapping, dueIds: string[]): Promise<void>;
  leave(source: string): void;
  /** Of a source's collected versions, those to stream (claimed), those to record (the rest), and the claimed ones whose owner row follows them. */
  claim(source: string, versions: RecordVersion[]): { claimed: RecordVersion[]; recorded: RecordVersion[]; ownerRows: RecordVersion[] };
  /** The people of `versions` (about to be recorded by `source`) whom another source took this run, as their owners. */
  takenElsewhere(source: string, versions: RecordVersion[]): Map<string, Owner>;
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
    return { streamed: new Map<string, Map<string, string>>(), owned: new Set<string>() };
  });
  const streamed = new Map<string, ReadonlyMap<string, string>>();
  let owned: ReadonlySet<string> = new Set();
  /** Who took each person this run: streamed, or recorded to be sent. */
  const taken = new Map<string, Owner>();
  const left = (source: string): void => {
    waiting.delete(source);
    if (waiting.size === 0) allIn();
  };
  const other = (source: string, v: RecordVersion): Owner | undefined => {
    const t = v.soDinhDanh === undefined ? undefined : taken.get(v.soDinhDanh);
    return t && (t.source !== source || t.vendorId !== v.vendorId) ? t : undefined;
  };
  return {
    async arrive(source, tx, mapping, dueIds) {
      due.set(source, await readIdentities(tx, mapping, dueIds));
      left(source);
      const decided = await decision;
      streamed.set(source, decided.streamed.get(source) ?? new Map());
      owned = decided.owned;
    },
    leave: left,
    claim(source, versions) {
      const mine = streamed.get(source);
      const claimed: RecordVersion[] = [];
      const recorded: RecordVersion[] = [];
      for (const v of versions) {
        const sdd = v.soDinhDanh;
        if (v.status === 'queued' && sdd !== undefined && mine?.get(v.vendorId) === sdd && !other(source, v)) {
          taken.set(sdd, { source, vendorId: v.vendorId, departed: v.operation === 'archive' });
          claimed.push(v);
        } else {
          recorded.push(v);
        }
      }
      return { claimed, recorded, ownerRows: claimed.filter((v) => owned.has(v.soDinhDanh!)) };
    },
    takenElsewhere(source, versions) {
      const found = new Map<string, Owner>();
      for (const v of versions) {
        if (v.status !== 'queued' || v.soDinhDanh === undefined) continue;
        const t = other(source, v);
        if (t) found.set(v.soDinhDanh, t);
        else taken.set(v.soDinhDanh, { source, vendorId: v.vendorId, departed: v.operation === 'archive' });
      }
      return found;
    },
  };
}
