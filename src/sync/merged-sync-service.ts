import type { Db, Queryable } from '../db/db.js';
import type { CompiledMapping } from '../mapping/mapping-compiler.js';
import { createSharedPersonMappers, type PersonMapper, type SharedPersonMappers } from '../mapping/mapping-pool.js';
import { describeError } from '../errors.js';
import { createOutboxStore } from '../outbox/outbox-store.js';
import type { QueuedVersion, RecordVersion } from '../outbox/outbox-types.js';
import { collectDue } from './sync-collect.js';
import { syncContext, type RunOptions, type SyncContext, type SyncDeps } from './sync-deps.js';
import { packAndStore, packVersions, storeBuilt, type OnStored } from './sync-pack.js';
import { inFullPackets } from './sync-queue.js';
import { landReceipts, receiptsAlong } from './sync-receipts.js';
import { createSender } from './sync-send.js';
import { SyncError } from './sync-error.js';
import { emptySummary, type SyncSummary } from './sync-summary.js';
import type { OwnershipDecisions, SourceFailure, SyncSource } from './sync-sources.js';
import { createStreamGate, type StreamGate } from './stream-gate.js';
import { writeBehind } from './write-behind.js';

/**
 * One sync over a merged province's sources (docs/merged-province.md). The sources are read
 * side by side, each by the one-source steps (due and collect, sync-collect.ts) with its own
 * mapping, database and person state. Before reading documents they meet (stream-gate.ts):
 * the people only one source approves, whom no other source owns, are streamed as one
 * source streams them (packed, signed, stored and sent as they are mapped); everyone else is
 * recorded in the store as collected (`record`: queued versions with their record text, or
 * held in a conflict). Then that queue, every source's at once, is packed, signed once per
 * packet and sent in the same stream (sync-pack.ts, sync-send.ts), and receipts land as for
 * one source. Exactly-once is the store's as
 * before: a version is recorded once ((source, vendor, approval, resend) is unique), a packet
 * is stored with its versions before it is sent and never built again.
 *
 * A source that cannot be opened or fails while read does not stop the others: what it had
 * recorded goes on, its other people wait, the run ends with the failure in its summary
 * (`sourcesFailed`: exit 75, /readyz names the source), and the next run takes it up.
 */
export interface MergedSyncDeps extends Omit<SyncDeps, 'source' | 'mapping'> {
  sources: readonly SyncSource[];
  ownership: OwnershipDecisions;
  /** The store's database, which the outbox store of every source shares. */
  storeDb: Db;
  /**
   * Read the sources one after another: an embedded store has one connection, which two
   * sources collected side by side would each wait for while holding it. Nothing is
   * streamed then (the sources cannot meet before reading documents): all is recorded first.
   */
  oneAtATime?: boolean;
}

/** What one source's collected chunks go to, in order, behind its collection; `finish` after the last. */
interface SourceSink {
  take(versions: RecordVersion[]): Promise<void>;
  finish(): Promise<void>;
}

export function createMergedSyncService(deps: MergedSyncDeps) {
  const shared = syncContext({ ...deps, source: undefined as never, mapping: undefined as never });

  async function collectAll(
    runId: string, summary: SyncSummary, options: RunOptions, sinkFor: (source: string, ctx: SyncContext) => SourceSink, gate?: StreamGate,
  ): Promise<SourceFailure[]> {
    // One set of mapping threads for every source, started with the first chunk to map.
    const mappings = deps.sources.map((s) => s.mapping());
    let threads: SharedPersonMappers | undefined;
    const mapperFor = (i: number) => () => (threads ??= createSharedPersonMappers(mappings, { threads: shared.settings.mappingThreads ?? 0, hash: true })).mapperFor(i);
    try {
      return await collectEach(runId, summary, options, sinkFor, gate, mappings, mapperFor);
    } finally {
      await threads?.close();
    }
  }

  async function collectEach(
    runId: string, summary: SyncSummary, options: RunOptions, sinkFor: (source: string, ctx: SyncContext) => SourceSink, gate: StreamGate | undefined,
    mappings: CompiledMapping[], mapperFor: (i: number) => () => PersonMapper,
  ): Promise<SourceFailure[]> {
    const collect = async (s: SyncSource, i: number): Promise<void> => {
      const started = performance.now();
      try {
        const db = await s.db();
        const ctx: SyncContext = { ...shared, source: db, mapping: mappings[i]!, store: createOutboxStore(deps.storeDb, s.name) };
        // Each chunk is taken behind the source's collection (write-behind.ts), in order,
        // while its next chunks are read and mapped; a failed write is this source's failure.
        const behind = writeBehind(2);
        const sink = sinkFor(s.name, ctx);
        try {
          await collectDue(ctx, runId, summary, options, (vs) => {
            // Something to send: the key is read while the rest is collected.
            if (vs.some((v) => v.status === 'queued')) shared.signer.ready?.().catch(() => undefined);
            return behind.push(() => sink.take(vs));
          }, { mapper: mapperFor(i), ...(gate ? { readAhead: (tx: Queryable, ids: string[]) => gate.arrive(s.name, tx, ctx.mapping, ids) } : {}) });
          await behind.push(() => sink.finish());
        } catch (err) {
          await behind.drain().catch(() => undefined); // what was collected is recorded
          throw err;
        }
        await behind.drain();
      } finally {
        gate?.leave(s.name); // a source that failed before its read ahead does not hold the others
      }
      shared.logger.debug('source collected', { source: s.name, ms: Math.round(performance.now() - started) });
    };
    let results: PromiseSettledResult<void>[];
    if (deps.oneAtATime) {
      results = [];
      for (const [i, s] of deps.sources.entries()) results.push((await Promise.allSettled([collect(s, i)]))[0]!);
    } else {
      results = await Promise.allSettled(deps.sources.map(collect));
    }
    const failures: SourceFailure[] = [];
    results.forEach((r, i) => {
      if (r.status === 'fulfilled') return;
      const source = deps.sources[i]!.name;
      const error = describeError(r.reason);
      failures.push({ source, error });
      deps.logger.error('source failed this run: its people wait for the next sync', { source, error });
    });
    return failures;
  }

  async function runUnlocked(options: RunOptions): Promise<SyncSummary> {
    const summary = emptySummary();
    const runId = await shared.store.startRun(options.dryRun === true);
    try {
      const failures = options.dryRun ? await previewRun(runId, summary, options) : await sendingRun(runId, summary, options);
      summary.sourcesFailed = failures;
      await shared.store.finishRun(runId, 'finished', summary);
      shared.logger.child({ syncRunId: runId }).info('sync finished', { ...summary, sourcesFailed: failures.map((f) => f.source) });
      return summary;
    } catch (err) {
      await shared.store.finishRun(runId, 'failed', summary, String(err)).catch(() => undefined);
      throw err;
    }
  }

  async function previewRun(runId: string, summary: SyncSummary, options: RunOptions): Promise<SourceFailure[]> {
    const previews = inFullPackets(shared.settings.maxRecords, async (vs) => {
      // Counted after the await: the sources add side by side.
      const built = await packVersions(shared, vs, (p) =>
        shared.store.storePreview(runId, { packetId: p.packetId, format: shared.settings.format, envelope: p.envelope, recordCount: p.items.length }));
      summary.packetsBuilt += built;
    });
    const failures = await collectAll(runId, summary, options, (source) => ({
      take: (vs) => previews.add(vs.map((v) => ({ ...v, source }))),
      finish: async () => undefined,
    }));
    await previews.flush();
    return failures;
  }

  async function sendingRun(runId: string, summary: SyncSummary, options: RunOptions): Promise<SourceFailure[]> {
    const client = shared.client;
    if (!client) throw new SyncError('sync.no_national_client', 'no national client configured');
    const receipts = receiptsAlong(shared, client, summary);
    const sender = createSender(shared, client, summary, receipts.land);
    // Older work first: packets stored by an earlier run; then what is streamed as collected;
    // then the queue, every source's (a person with a version waiting there is never streamed).
    for (const packet of await shared.store.packetsIn('pending')) sender.enqueue(packet.packetId);
    const gate = deps.oneAtATime ? undefined : createStreamGate(deps.sources.map((s) => s.name), deps.ownership.streamable, (m, meta) => deps.logger.warn(m, meta));
    const count = (counts: Awaited<ReturnType<OwnershipDecisions['record']>>): void => {
      summary.conflicts = (summary.conflicts ?? 0) + counts.conflicts;
      summary.held = (summary.held ?? 0) + counts.held;
      summary.moved = (summary.moved ?? 0) + counts.moved;
    };
    let failures: SourceFailure[];
    try {
      failures = await collectAll(runId, summary, options, (source, ctx) => {
        const packets = inFullPackets(shared.settings.maxRecords, (vs) => packAndStore(ctx, runId, vs, summary, sender.enqueue));
        return {
          async take(vs) {
            if (!gate) {
              count(await deps.ownership.record(source, runId, vs));
              return;
            }
            const { claimed, recorded, ownerRows } = gate.claim(source, vs);
            count(await deps.ownership.record(source, runId, recorded, gate.takenElsewhere(source, recorded)));
            if (ownerRows.length > 0) await deps.ownership.keepOwners(source, ownerRows);
            // Two sources pack faster than one sender sends: wait for it rather than store
            // packets whose bytes it would read back (sync-send.ts, `room`).
            await sender.room();
            await packets.add(claimed);
          },
          finish: () => packets.flush(),
        };
      }, gate);
      shared.logger.debug('sources collected', { syncRunId: runId, packets: summary.packetsBuilt });
      await packQueuedAhead(runId, summary, sender.enqueue);
    } catch (err) {
      await sender.drain().catch(() => undefined);
      await receipts.drain().catch(() => undefined);
      throw err;
    }
    options.onProgress?.(`packets built ${summary.packetsBuilt}; sending`);
    shared.logger.debug('queue packed', { syncRunId: runId, packets: summary.packetsBuilt });
    await sender.drain();
    shared.logger.debug('packets sent', { syncRunId: runId, packets: summary.packetsSent });
    await receipts.drain();
    await landReceipts(shared, client, summary, receipts.tried);
    return failures;
  }

  /**
   * The queue, every source's, packed as packQueued (sync-pack.ts) packs it, in the order
   * recorded, with the steps overlapped: the next versions are read from the store while these
   * are packed and signed, and each packet is stored (then handed to the sender) behind the
   * signing of the next, in order. A packet reaches the sender only once stored.
   */
  async function packQueuedAhead(runId: string, summary: SyncSummary, onStored: OnStored): Promise<void> {
    const limit = shared.settings.maxRecords * 20;
    const read = (after: string | undefined): Promise<QueuedVersion[]> => {
      const next = shared.store.queued(limit, after);
      next.catch(() => undefined); // awaited below; a read left when packing fails is not an unhandled rejection
      return next;
    };
    const behind = writeBehind(2);
    let next: Promise<QueuedVersion[]> = read(undefined);
    try {
      for (;;) {
        const queued = await next;
        if (queued.length === 0) break;
        next = read(queued[queued.length - 1]!.id);
        await shared.signer.ready?.(); // a key read on first need (a run with nothing to send reads none)
        const signer = shared.signer.identity(shared.now()).summary.subject;
        summary.packetsBuilt += await packVersions(shared, queued, (p) => behind.push(() => storeBuilt(shared, runId, signer, p, onStored)));
      }
    } catch (err) {
      await behind.drain().catch(() => undefined); // what was signed before the failure is stored, and sent
      throw err;
    }
    await behind.drain();
  }

  return {
    async run(options: RunOptions = {}): Promise<SyncSummary> {
      const result = await deps.lock.runExclusive(() => runUnlocked(options));
      return result ?? { ...emptySummary(), skipped: true };
    },
  };
}

export type MergedSyncService = ReturnType<typeof createMergedSyncService>;
