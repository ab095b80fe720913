import type { AttemptRecord, CallOptions } from '../ndxp/ndxp-client.js';
import type { OutboxStore } from '../outbox/outbox-store.js';

/**
 * The attempts of one NDXP call, collected by that call alone and filed against the packet
 * it was about: a retry or a pull beside a sync can never file its attempts on another packet.
 */
export function attemptsOfOneCall(): CallOptions & { file(store: OutboxStore, packetId: string): Promise<void> } {
  const attempts: AttemptRecord[] = [];
  return {
    onAttempt: (a) => attempts.push(a),
    async file(store, packetId) {
      for (const a of attempts.splice(0)) await store.recordAttempt({ ...a, packetId });
    },
  };
}
