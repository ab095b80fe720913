import { beginDueSnapshot, collectDue, type DueSnapshot } from './sync-collect.js';
import { syncContext, type RunOptions, type SyncContext, type SyncDeps } from './sync-deps.js';
import { packAndStore, packQueued, packVersions } from './sync-pack.js';
import { inFullPackets } from './sync-queue.js';
import { landReceipts, receiptsAlong } from './sync-receipts.js';
import { createSender } from './sync-send.js';
import { emptySummary, type SyncSummary } from './sync-summary.js';
import { SyncError } from './sync-error.js';
import { writeBehind } from './write-behind.js';

export type { RunOptions, SyncDeps, SyncSettings } from './sync-deps.js';

/**
 * One sync, province to nation (docs/decisions/outbox.md), as restartable steps, one module
 * each: due and collect (sync-collect.ts) -> queue (sync-queue.ts) -> pack, sign, store the
 * bytes (sync-pack.ts) -> send (sync-send.ts) -> receipts (sync-receipts.ts). Every step
 * starts from what the store holds, so a run killed at any point is finished by the next one
 * without building a record version twice, re-signing a stored packet or losing a record.
 */
export function createSyncService(deps: SyncDeps) {
  const ctx = syncContext(deps);

  async function runUnlocked(options: RunOptions): Promise<SyncSummary> {
    const summary = emptySummary();
    // The source's heads are read while the run's own rows are written and looked up (not on
    // a one-connection source: collectDue then begins its snapshot itself).
    const snapshot = ctx.settings.headsAhead === false ? undefined : beginDueSnapshot(ctx);
    try {
      const runId = await ctx.store.startRun(options.dryRun === true);
      try {
        if (options.dryRun) await previewRun(ctx, runId, summary, options, snapshot);
        else await sendingRun(ctx, runId, summary, options, snapshot);
        await ctx.store.finishRun(runId, 'finished', summary);
        ctx.logger.child({ syncRunId: runId }).info('sync finished', { ...summary });
        return summary;
      } catch (err) {
        await ctx.store.finishRun(runId, 'failed', summary, String(err)).catch(() => undefined);
        throw err;
      }
    } finally {
      await snapshot?.end();
    }
  }

  return {
    /** Runs one sync; `skipped: true` when another is running (here or in another process). */
    async run(options: RunOptions = {}): Promise<SyncSummary> {
      const result = await deps.lock.runExclusive(() => runUnlocked(options));
      return result ?? { ...emptySummary(), skipped: true };
    },
  };
}

/** A dry run: collect and pack as a sync would, storing previews; nothing is recorded or sent. */
async function previewRun(ctx: SyncContext, runId: string, summary: SyncSummary, options: RunOptions, snapshot: DueSnapshot | undefined): Promise<void> {
  const previews = inFullPackets(ctx.settings.maxRecords, async (vs) => {
    summary.packetsBuilt += await packVersions(ctx, vs, (p) =>
      ctx.store.storePreview(runId, { packetId: p.packetId, format: ctx.settings.format, envelope: p.envelope, recordCount: p.items.length }));
  });
  await collectDue(ctx, runId, summary, options, previews.add, {}, snapshot);
  await previews.flush();
}

async function sendingRun(ctx: SyncContext, runId: string, summary: SyncSummary, options: RunOptions, snapshot: DueSnapshot | undefined): Promise<void> {
  const client = ctx.client;
  if (!client) throw new SyncError('sync.no_national_client', 'no national client configured');
  const receipts = receiptsAlong(ctx, client, summary);
  const sender = createSender(ctx, client, summary, receipts.land);
  // Older work first: packets stored by an earlier run, then versions it left queued.
  // A newer version sent before an older one would make the older come back stale.
  for (const packet of await ctx.store.packetsIn('pending')) sender.enqueue(packet.packetId);
  await packQueued(ctx, runId, summary, sender.enqueue);
  const packets = inFullPackets(ctx.settings.maxRecords, (vs) => packAndStore(ctx, runId, vs, summary, sender.enqueue));
  // The store writes of each chunk run behind the collection, so the next chunks are read and
  // mapped meanwhile (write-behind.ts); two chunks may wait, then collection waits for them.
  const behind = writeBehind(2);
  try {
    await collectDue(ctx, runId, summary, options, (vs) => behind.push(async () => {
      // Invalid and unchanged versions are recorded now; a queued one is recorded with
      // the packet that carries it (a crash before that leaves its person due again).
      await ctx.store.recordVersions(runId, vs.filter((v) => v.status !== 'queued'));
      await packets.add(vs);
    }), {
      // A key read on first need begins loading once people are found due, while they are
      // read and mapped; packing waits for it (and reports a bad key).
      onDue: () => void ctx.signer.ready?.().catch(() => undefined),
    }, snapshot);
    await behind.push(() => packets.flush());
    // The last chunks' packing (and signing) fails here, if at all: still inside, so what
    // was stored before the failure is sent before the run lets go of the lock.
    await behind.drain();
  } catch (err) {
    // Nothing of a failed run goes on after it lets go of the sync lock (one sync at a time):
    // what was stored is sent, what was sent has its receipt polled; its own error is reported.
    await behind.drain().catch(() => undefined);
    await sender.drain().catch(() => undefined);
    await receipts.drain().catch(() => undefined);
    throw err;
  }
  options.onProgress?.(`packets built ${summary.packetsBuilt}; sending`);
  await sender.drain();
  options.onProgress?.(`packets sent ${summary.packetsSent}; waiting for receipts`);
  await receipts.drain();
  // Packets sent by an earlier run and still waiting for their receipt.
  await landReceipts(ctx, client, summary, receipts.tried);
}

export type SyncService = ReturnType<typeof createSyncService>;
