import type { QueuedVersion } from '../outbox/outbox-types.js';
import { estimateRecordBytes, groupBySize, recordBytes, splitToFit } from '../packet/packet-builder.js';
import { envelopeBytes } from '../signing/cms-signer.js';
import { toPreparedRecord } from './record-version.js';
import type { SyncContext } from './sync-deps.js';
import type { SyncSummary } from './sync-summary.js';

/**
 * Step 3 of a sync, pack: group, encode, sign. A packet is stored with its records in one
 * transaction before anything is sent, and its bytes are never built again.
 */
export type PackContext = Pick<SyncContext, 'store' | 'codec' | 'signer' | 'settings' | 'newId' | 'now'>;

export interface BuiltPacket {
  packetId: string;
  envelope: Buffer;
  sha: string;
  bytes: number;
  items: QueuedVersion[];
}

/** Called with each packet once stored, its bytes in hand (the send step takes it from here). */
export type OnStored = (packetId: string, envelope: Buffer) => void;

/** Groups, encodes and signs `versions`; `keep` stores each packet (outbox) or its preview (dry run). */
export async function packVersions(ctx: PackContext, versions: QueuedVersion[], keep: (p: BuiltPacket) => Promise<void>): Promise<number> {
  const { settings } = ctx;
  // A key read on first need is read now (compose/deferred-signer.ts); a bad key stops the run here.
  await ctx.signer.ready?.();
  const at = ctx.now();
  const approval = settings.approval(ctx.signer, at);
  // JSON: each record is encoded to UTF-8 once; its length sizes the packets (plus a comma)
  // and the same bytes are joined into the payload, which is hashed and signed as it is.
  const bytes = settings.format === 'json' ? new Map(versions.map((v) => [v, recordBytes(toPreparedRecord(v))])) : undefined;
  const sizeOf = bytes ? (v: QueuedVersion) => bytes.get(v)!.length + 1 : (v: QueuedVersion) => estimateRecordBytes(toPreparedRecord(v), settings.format);
  const groups = groupBySize(versions, sizeOf, settings);
  let count = 0;
  for (const group of groups) {
    const built = splitToFit({
      packetId: ctx.newId(), createdAt: at.toISOString(), sender: settings.senderCode, receiver: settings.receiverCode,
      approval, format: settings.format, items: group, record: toPreparedRecord, ...(bytes ? { bytes: (v: QueuedVersion) => bytes.get(v)! } : {}),
    }, ctx.codec, settings.maxBytes, ctx.newId);
    for (const packet of built) {
      const envelope = envelopeBytes(settings.format, packet.payload, ctx.signer);
      await keep({ packetId: packet.packetId, envelope, sha: packet.payloadSha256, bytes: packet.payload.length, items: packet.items });
      count += 1;
    }
  }
  return count;
}

/**
 * Packs `versions`, storing each signed packet with its records; `onStored` gets its id.
 * `runId` is the sync run's, undefined for an operator's action.
 */
export async function packAndStore(ctx: PackContext, runId: string | undefined, versions: QueuedVersion[], summary: SyncSummary, onStored: OnStored): Promise<void> {
  if (versions.length === 0) return;
  await ctx.signer.ready?.();
  const signer = ctx.signer.identity(ctx.now()).summary.subject;
  // Counted after the await: two sources pack side by side, and `a += await b` would add to the value read before it.
  const built = await packVersions(ctx, versions, (p) => storeBuilt(ctx, runId, signer, p, onStored));
  summary.packetsBuilt += built;
}

/**
 * Stores one signed packet with its records (those left queued by id, those new this run
 * whole), then hands it on: a packet reaches `onStored` (the sender) only once stored.
 */
export async function storeBuilt(ctx: PackContext, runId: string | undefined, signer: string, p: BuiltPacket, onStored: OnStored): Promise<void> {
  await ctx.store.storePacket(runId, {
    packetId: p.packetId, format: ctx.settings.format, envelope: p.envelope, payloadSha256: p.sha, payloadBytes: p.bytes, signer,
    recordIds: p.items.flatMap((v) => (v.id === undefined ? [] : [v.id])), newVersions: p.items.filter((v) => v.id === undefined),
  });
  onStored(p.packetId, p.envelope);
}

/**
 * Versions left queued in the store (a crash, a failed receipt, an operator's release or
 * re-send): older than what a run collects, so packed first.
 */
export async function packQueued(ctx: PackContext, runId: string | undefined, summary: SyncSummary, onStored: OnStored): Promise<void> {
  for (;;) {
    const queued = await ctx.store.queued(ctx.settings.maxRecords * 20);
    if (queued.length === 0) return;
    await packAndStore(ctx, runId, queued, summary, onStored);
  }
}
