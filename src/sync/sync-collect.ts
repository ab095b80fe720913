import type { Queryable } from '../db/db.js';
import { holdTransaction, type HeldTransaction } from '../db/held-transaction.js';
import { mapAhead } from '../mapping/map-ahead.js';
import { createPersonMapper, inFlightFor, type PersonMapper } from '../mapping/mapping-pool.js';
import type { PersonState, RecordVersion } from '../outbox/outbox-types.js';
import { readRawPersonChunks, readReference, type RawPerson } from '../source/person-reader.js';
import { approvedHeads, type ApprovedHeadsPage } from './due-query.js';
import { isDue } from './due-rule.js';
import { toRecordVersion } from './record-version.js';
import type { RunOptions, SyncContext } from './sync-deps.js';
import type { SyncSummary } from './sync-summary.js';

/** Steps 1-2 of a sync, due and collect: who is due, mapped and pre-validated as versions. */
type CollectContext = Pick<SyncContext, 'store' | 'source' | 'mapping' | 'settings' | 'logger'>;

/** Approval heads read per page when looking for due people. */
const HEAD_PAGE = 20_000;

/** How many people were found due so far, and whether every page of approvals has been read (for progress). */
interface DueFound {
  due: number;
  complete: boolean;
  /** Told once a page holds due people, before they are read (the sync begins reading its key). */
  onDue?: (() => void) | undefined;
}

/** What a caller of collectDue may hook in between finding who is due and reading them. */
export interface CollectHooks {
  /** Told once a page holds due people, before they are read (the sync begins reading its key). */
  onDue?: () => void;
  /**
   * With it, every page of due people is found first, then this is called with all their
   * vendor ids, on the snapshot's own connection, and only then are their documents read
   * (a merged sync reads their số định danh here: merged-sync-service.ts).
   */
  readAhead?: (tx: Queryable, dueIds: string[]) => Promise<void>;
  /** Threads shared with other sources (merged-sync-service.ts), asked for once someone is found due, not closed here. */
  mapper?: () => PersonMapper;
}

/** One page of due people: their vendor ids, in order, and their person states. */
interface DuePage {
  ids: string[];
  states: Map<string, PersonState>;
}

/** A page of approval heads after `after`; awaited later (a page left unread when the run stops early is not an unhandled rejection). */
function headsPage(ctx: Pick<SyncContext, 'mapping'>, tx: Queryable, after: string | undefined): Promise<ApprovedHeadsPage> {
  const read = approvedHeads(tx, ctx.mapping.source, after, HEAD_PAGE);
  read.catch(() => undefined);
  return read;
}

/** A run's snapshot of its source, its first page of heads already asked for. */
export type DueSnapshot = HeldTransaction<Promise<ApprovedHeadsPage>>;

/**
 * Begins the snapshot collectDue reads in and asks for its first page of heads at once. A sync
 * begins it before its own bookkeeping in the store (the run's row, packets and versions an
 * earlier run left), so the heads, a no-change sync's longest wait, are read meanwhile.
 */
export function beginDueSnapshot(ctx: Pick<SyncContext, 'source' | 'mapping'>): DueSnapshot {
  return holdTransaction(ctx.source, { isolation: 'repeatable read', readOnly: true }, (tx) => headsPage(ctx, tx, undefined));
}

/**
 * The due people of one snapshot, a page at a time: pages of approval heads, each compared
 * with what the gateway took in (read once, beside the first page: outbox-store.ts takenIn)
 * by the rule (due-rule.ts): their latest approval is newer than what was last sent, or their
 * version was refused by the gateway under another mapping; with the person states of those
 * the gateway knows (for the unchanged check). The next page of heads is read while this one
 * is looked at.
 */
async function* duePages(ctx: CollectContext, tx: Queryable, options: RunOptions, found: DueFound, first: Promise<ApprovedHeadsPage>): AsyncGenerator<DuePage> {
  const takenIn = ctx.store.takenIn();
  takenIn.catch(() => undefined); // awaited with the first page
  let next: Promise<ApprovedHeadsPage> | undefined = first;
  let taken = 0;
  while (next) {
    const heads: ApprovedHeadsPage = await next;
    if (heads.count === 0) {
      found.complete = true;
      return;
    }
    const more = heads.count === HEAD_PAGE && heads.last !== undefined && (options.limit === undefined || taken < options.limit);
    next = more ? headsPage(ctx, tx, heads.last) : undefined;
    const known = await takenIn;
    let due: { vendorId: string; seen: boolean }[] = [];
    for (let i = 0; i < heads.count; i += 1) {
      const head = { vendorId: heads.vendorIds[i]!, approvalId: heads.approvalIds[i]! };
      const state = known.get(head.vendorId);
      if (isDue(head, state, ctx.mapping.fingerprint)) due.push({ vendorId: head.vendorId, seen: state !== undefined });
    }
    if (options.limit !== undefined) due = due.slice(0, Math.max(0, options.limit - taken));
    const seen = due.filter((d) => d.seen).map((d) => d.vendorId);
    const states = seen.length > 0 ? await ctx.store.personStates(seen) : new Map<string, PersonState>();
    taken += due.length;
    found.due = taken;
    if (due.length > 0) found.onDue?.();
    found.complete = next === undefined;
    yield { ids: due.map((d) => d.vendorId), states };
    if (options.limit !== undefined && taken >= options.limit) return;
  }
}

/** The due people's documents, unparsed, in chunks, with their person states; with `readAhead`, called before the first is read. */
async function* dueChunks(
  ctx: CollectContext, tx: Queryable, options: RunOptions, found: DueFound, readAhead: CollectHooks['readAhead'], first: Promise<ApprovedHeadsPage>,
): AsyncGenerator<{ raws: RawPerson[]; states: Map<string, PersonState> }> {
  let pages: AsyncIterable<DuePage> | DuePage[] = duePages(ctx, tx, options, found, first);
  if (readAhead) {
    const all: DuePage[] = [];
    for await (const p of pages) all.push(p);
    await readAhead(tx, all.flatMap((p) => p.ids));
    pages = all;
  }
  for await (const { ids, states } of pages) {
    // One call per page: the reader cuts the page's ids into chunkSize queries itself.
    for await (const raws of readRawPersonChunks(tx, ctx.mapping, { vendorIds: ids, approvedOnly: true }, ctx.settings.chunkSize)) {
      yield { raws, states };
    }
  }
}

/**
 * The due people, mapped and pre-validated, handed to `sink` as versions (which records or
 * previews them). Reading, mapping (on the mapping threads) and `sink` overlap: the next
 * chunks are read and mapped while the sink stores the last one. All of it in one snapshot of
 * the source: `snapshot`, when the caller began it earlier (beginDueSnapshot), else one begun
 * now; it ends here.
 */
export async function collectDue(
  ctx: CollectContext, runId: string, summary: SyncSummary, options: RunOptions, sink: (v: RecordVersion[]) => Promise<void>,
  hooks: CollectHooks = {}, snapshot: DueSnapshot = beginDueSnapshot(ctx),
): Promise<void> {
  const threads = ctx.settings.mappingThreads ?? 0;
  let mapper: PersonMapper | undefined;
  // The mapping threads start once someone is found due, not when the first chunk is read: a
  // thread takes ~0.4 s to start and compile the mapping, which then overlaps the first read
  // (docs/decisions/sync-throughput.md, fifth stop). A run with nobody due starts none.
  const startMapper = (): PersonMapper => (mapper ??= hooks.mapper?.() ?? createPersonMapper(ctx.mapping, { threads, hash: true }));
  const found: DueFound = {
    due: 0, complete: false,
    onDue: () => {
      hooks.onDue?.();
      startMapper();
    },
  };
  try {
    await snapshot.use(async (tx, first) => {
      // The reference data (units, code tables) is read with the first chunk to map: a run
      // with nobody due reads only the heads.
      let reference: ReturnType<typeof readReference> | undefined;
      const mapChunk = async ({ raws, states }: { raws: RawPerson[]; states: Map<string, PersonState> }) => {
        reference ??= readReference(tx, ctx.mapping);
        return { mapped: await startMapper().map(raws, await reference), states };
      };
      // The mapper may not be started yet (nobody found due so far); its depth rule is known before.
      for await (const { mapped, states } of mapAhead(dueChunks(ctx, tx, options, found, hooks.readAhead, first), mapChunk, inFlightFor(threads))) {
        const versions = mapped.map((m) => toRecordVersion(m, states.get(m.vendorId), ctx.mapping.fingerprint));
        for (const v of versions) summary[v.status === 'queued' || v.status === 'held' ? 'queued' : v.status] += 1;
        summary.due += versions.length;
        await sink(versions);
        options.progress?.({ done: summary.due, total: found.complete ? found.due : undefined });
        options.onProgress?.(`due ${summary.due}: queued ${summary.queued}, unchanged ${summary.unchanged}, invalid ${summary.invalid}`);
        if (options.signal?.aborted) {
          ctx.logger.info('sync stopping: the rest of the due people wait for the next sync', { syncRunId: runId, due: summary.due });
          break;
        }
      }
    });
  } finally {
    if (!hooks.mapper) await mapper?.close();
  }
  ctx.logger.info('due records collected', { syncRunId: runId, due: summary.due, queued: summary.queued, unchanged: summary.unchanged, invalid: summary.invalid });
}
