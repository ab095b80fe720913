import { isGatewayError } from '../errors.js';
import type { NdxpClient } from '../ndxp/ndxp-client.js';
import { isNdxpError } from '../ndxp/ndxp-error.js';
import { recordsOfEnvelope } from '../packet/envelope-records.js';
import { attemptsOfOneCall } from './sync-attempts.js';
import type { SyncContext } from './sync-deps.js';
import type { SyncSummary } from './sync-summary.js';
import { writeBehind } from './write-behind.js';

/**
 * Step 5 of a sync, receipts: land a sent packet's receipt, settling its records (accepted,
 * stale, rejected) or, for a failed receipt, queueing them again with their record text.
 * Used by the sync for every sent packet and by an operator's retry for the one it sent.
 */
export type ReceiptContext = Pick<SyncContext, 'store' | 'codec' | 'settings' | 'logger'>;

/** 'landed' when the receipt was final and is stored; 'waiting' when it is not (yet). */
export async function landReceipt(ctx: ReceiptContext, client: NdxpClient, packetId: string, summary: SyncSummary): Promise<'landed' | 'waiting'> {
  const { store, logger } = ctx;
  const call = attemptsOfOneCall();
  try {
    const receipt = await client.pollReceipt(packetId, { maxWaitMs: ctx.settings.receiptWaitMs, minDelayMs: 50, maxDelayMs: 2000 }, call);
    await call.file(store, packetId);
    if (receipt.status === 'done') {
      const results = receipt.results ?? [];
      await store.completePacket(packetId, receipt, results);
      for (const r of results) summary[r.status] += 1;
    } else {
      const returned = recordsOfEnvelope(await store.envelopeOf(packetId), ctx.codec);
      await store.failPacketFromReceipt(packetId, receipt, receipt.error?.code, receipt.error?.message ?? 'receipt failed', returned);
      summary.packetsFailed += 1;
      logger.warn('packet failed nationally; its records are queued again', { packetId, error: receipt.error });
    }
    return 'landed';
  } catch (err) {
    await call.file(store, packetId);
    summary.receiptsPending += 1;
    // The national side not answering yet is routine; anything else (the outbox refusing
    // the receipt, e.g. outbox.records_unmatched) recurs every run until an operator acts.
    const detail = { packetId, error: isGatewayError(err) ? `${err.code}: ${err.message}` : String(err) };
    if (isNdxpError(err)) logger.info('receipt not final yet', detail);
    else logger.error('receipt could not be recorded; the packet stays sent', detail);
    return 'waiting';
  }
}

/** The receipts of every sent packet, oldest first, but those in `tried` (polled already this run). */
export async function landReceipts(ctx: ReceiptContext, client: NdxpClient, summary: SyncSummary, tried: ReadonlySet<string> = new Set()): Promise<void> {
  for (const packet of await ctx.store.packetsIn('sent')) {
    if (!tried.has(packet.packetId)) await landReceipt(ctx, client, packet.packetId, summary);
  }
}

/**
 * Receipts landed while the run goes on: each packet's receipt is polled as soon as it was
 * sent, one packet at a time in the order sent, instead of all of them after the last send.
 * Landing 160 receipts (two updates of 500 rows each) after a full sync took a quarter of it
 * (docs/decisions/sync-throughput.md). A receipt not final within RECEIPT_WAIT_MS is left to
 * the next sync, as before; `tried` names every packet polled, so the run does not wait for
 * it twice. Polling never holds up sending: it has its own chain.
 */
export function receiptsAlong(ctx: ReceiptContext, client: NdxpClient, summary: SyncSummary) {
  // One poll at a time, in the order sent, stopping at the first failure: write-behind's chain, never waited on.
  const chain = writeBehind(Number.POSITIVE_INFINITY);
  const tried = new Set<string>();
  return {
    tried: tried as ReadonlySet<string>,
    land(packetId: string): void {
      tried.add(packetId);
      // A failure is kept by the chain and thrown by drain().
      chain.push(async () => void (await landReceipt(ctx, client, packetId, summary))).catch(() => undefined);
    },
    drain: (): Promise<void> => chain.drain(),
  };
}
