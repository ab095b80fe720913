import { isGatewayError } from '../errors.js';
import type { NdxpClient } from '../ndxp/ndxp-client.js';
import { isNdxpError } from '../ndxp/ndxp-error.js';
import { attemptsOfOneCall } from './sync-attempts.js';
import type { SyncContext } from './sync-deps.js';
import type { SyncSummary } from './sync-summary.js';

/**
 * Step 4 of a sync, send: post a stored packet's bytes, exactly as signed. Used by the sync
 * and by an operator's retry (src/ops), each filing the attempts of its own call.
 */
export type SendContext = Pick<SyncContext, 'store' | 'logger'>;

export type SendOutcome = 'sent' | 'failed' | 'outage';

/**
 * Posts one stored packet: `sent` with its receipt id; `failed` when the national side refused
 * it for good (a 4xx other than 429); `outage` when it is unavailable, the packet staying
 * pending with its error noted. `envelope` saves reading back bytes already in hand.
 */
export async function sendPacket(ctx: SendContext, client: NdxpClient, packetId: string, envelope: Buffer | undefined, summary: SyncSummary): Promise<SendOutcome> {
  const { store, logger } = ctx;
  const call = attemptsOfOneCall();
  try {
    const answer = await client.pushPacket(envelope ?? (await store.envelopeOf(packetId)), call);
    await call.file(store, packetId);
    await store.markSent(packetId, answer.receipt.receiptId);
    summary.packetsSent += 1;
    return 'sent';
  } catch (err) {
    await call.file(store, packetId);
    const message = isGatewayError(err) ? `${err.code}: ${err.message}` : String(err);
    if (isGatewayError(err) && !err.retryable) {
      await store.markFailed(packetId, isNdxpError(err) ? err.nationalCode : undefined, message);
      summary.packetsFailed += 1;
      logger.error('packet refused by the national side', { packetId, error: message });
      return 'failed';
    }
    await store.noteError(packetId, message);
    logger.warn('national side unavailable; packets stay pending for the next sync', { packetId, error: message });
    return 'outage';
  }
}

/**
 * Sends packets in the order they were stored, one at a time, while collection and packing
 * go on: the network wait overlaps the mapping. After an outage nothing more is posted this
 * run; the packets stay pending, their bytes stored, for the next sync. A packet built this
 * run travels with its bytes (exactly what was stored) while few are waiting; beyond that
 * they are read back when their turn comes, so a slow national side cannot fill memory.
 * `onSent` hears of each packet the national side took, for its receipt to be awaited.
 */
export function createSender(ctx: SendContext, client: NdxpClient, summary: SyncSummary, onSent?: (packetId: string) => void) {
  let chain = Promise.resolve();
  let halted = false;
  let failure: unknown;
  let waiting = 0;
  let roomMade: (() => void)[] = [];
  return {
    enqueue(packetId: string, envelope?: Buffer): void {
      waiting += 1;
      const bytes = waiting <= CARRIED ? envelope : undefined;
      chain = chain.then(async () => {
        waiting -= 1;
        if (waiting < CARRIED - ROOM) {
          for (const made of roomMade) made();
          roomMade = [];
        }
        if (halted) {
          summary.packetsPending += 1;
          return;
        }
        const outcome = await sendPacket(ctx, client, packetId, bytes, summary);
        if (outcome === 'sent') onSent?.(packetId);
        if (outcome === 'outage') {
          halted = true;
          summary.packetsPending += 1;
        }
      }).catch((err: unknown) => {
        halted = true;
        failure ??= err;
      });
    },
    /**
     * Resolves once few enough packets wait that the next `ROOM` still travel with their bytes:
     * a producer that outruns the sender (a merged province's sources packing side by side)
     * waits here instead of storing packets whose bytes would then be read back.
     */
    room(): Promise<void> {
      if (waiting < CARRIED - ROOM) return Promise.resolve();
      return new Promise((resolve) => roomMade.push(resolve));
    },
    async drain(): Promise<void> {
      await chain;
      if (failure) throw failure;
    },
  };
}

/** Packets waiting to be sent that keep their bytes in memory; beyond these, bytes are read back from the store. */
const CARRIED = 8;
/** How many packets a producer may add after `room()`: a chunk of mapped people fills at most a few. */
const ROOM = 3;
