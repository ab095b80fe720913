import { expect } from 'chai';
import type { RecordVersion } from '../../src/outbox/outbox-types.js';
import { collectDue } from '../../src/sync/sync-collect.js';
import { syncContext, type SyncContext } from '../../src/sync/sync-deps.js';
import { packAndStore } from '../../src/sync/sync-pack.js';
import { inFullPackets } from '../../src/sync/sync-queue.js';
import { landReceipts } from '../../src/sync/sync-receipts.js';
import { createSender } from '../../src/sync/sync-send.js';
import { emptySummary } from '../../src/sync/sync-summary.js';
import { startSyncWorld, type SyncWorld } from './sync-harness.js';

/**
 * The sync's steps one by one (src/sync/sync-service.ts composes them): each is called on its
 * own over the provincial sample, a fresh store and the simulator, and what it leaves in the
 * store is checked before the next step starts from it.
 */
describe('sync: each step on its own (PGlite store, the simulator over HTTP)', function () {
  this.timeout(300_000);
  let world: SyncWorld;
  let ctx: SyncContext;
  let runId: string;
  const summary = emptySummary();
  const collected: RecordVersion[] = [];
  const stored: string[] = [];

  before(async function () {
    world = await startSyncWorld({ storeBackend: 'pglite' });
    ctx = syncContext(world.deps({ settings: { maxRecords: 4 } }));
    runId = await ctx.store.startRun(false);
  });
  after(async function () {
    await world?.close();
  });

  it('collect: maps every due person of the sample into one version each, most of them queued', async function () {
    await collectDue(ctx, runId, summary, {}, async (vs) => {
      collected.push(...vs);
    });
    const people = new Set(collected.map((v) => v.vendorId));
    expect(collected.length).to.be.greaterThan(4);
    expect(people.size).to.equal(collected.length);
    expect(summary.due).to.equal(collected.length);
    expect(summary.queued).to.equal(collected.filter((v) => v.status === 'queued').length).and.be.greaterThan(4);
  });

  it('queue: hands on whole packets of maxRecords, and the rest on flush', async function () {
    const sizes: number[] = [];
    const queue = inFullPackets(4, async (vs) => {
      sizes.push(vs.length);
    });
    await queue.add(collected);
    const beforeFlush = sizes.reduce((a, b) => a + b, 0);
    expect(beforeFlush % 4).to.equal(0);
    await queue.flush();
    expect(sizes.reduce((a, b) => a + b, 0)).to.equal(summary.queued);
    expect(sizes.slice(0, -1).every((n) => n % 4 === 0)).to.equal(true);
  });

  it('pack: signs and stores each packet as pending and hands its id on', async function () {
    await ctx.store.recordVersions(runId, collected.filter((v) => v.status !== 'queued'));
    const queue = inFullPackets(ctx.settings.maxRecords, (vs) => packAndStore(ctx, runId, vs, summary, (id) => stored.push(id)));
    await queue.add(collected);
    await queue.flush();
    expect(stored).to.have.length(Math.ceil(summary.queued / 4));
    expect(summary.packetsBuilt).to.equal(stored.length);
    expect((await ctx.store.packetsIn('pending')).map((p) => p.packetId).sort()).to.deep.equal([...stored].sort());
  });

  it('send: posts each stored packet once; none stays pending and the ledger holds them all', async function () {
    const sender = createSender(ctx, ctx.client!, summary);
    for (const id of stored) sender.enqueue(id);
    await sender.drain();
    expect(summary.packetsSent).to.equal(stored.length);
    expect(await ctx.store.packetsIn('pending')).to.deep.equal([]);
    expect((await ctx.store.packetsIn('sent')).map((p) => p.packetId).sort()).to.deep.equal([...stored].sort());
  });

  it('receipts: lands every sent packet; the national side accepted each queued version', async function () {
    await landReceipts(ctx, ctx.client!, summary);
    expect(await ctx.store.packetsIn('sent')).to.deep.equal([]);
    expect(summary.accepted + summary.rejected + summary.stale).to.equal(summary.queued);
    expect(summary.receiptsPending).to.equal(0);
  });
});
