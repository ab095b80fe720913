/**
 * The store writes of a sync run behind its collection (docs/decisions/sync-throughput.md):
 * each batch's writes (record the versions, pack, sign and store the packets) start once the
 * previous batch's are done, in order and one at a time, while the next chunks are read and
 * mapped. `push` waits only when `depth` batches are already waiting, so a run still holds a
 * bounded number of batches however many people are due; with an infinite `depth` it never
 * waits (the receipts polled along a run, sync-receipts.ts). The first failure stops every later
 * batch and is thrown by the next `push`, or by `drain`. Nothing is sent before it is stored:
 * a packet reaches the sender only from inside its batch, after storePacket.
 */
export interface WriteBehind {
  push(work: () => Promise<void>): Promise<void>;
  /** Waits for every batch pushed; throws the first failure. */
  drain(): Promise<void>;
}

export function writeBehind(depth: number): WriteBehind {
  let tail: Promise<void> = Promise.resolve();
  const waiting: Promise<void>[] = [];
  let failure: { err: unknown } | undefined;
  const fail = (err: unknown): void => {
    failure ??= { err };
  };
  // Read through a function: a batch may fail while `push` awaits.
  const failed = (): { err: unknown } | undefined => failure;
  return {
    async push(work) {
      if (failure) throw failure.err;
      tail = tail.then(async () => {
        if (!failure) await work();
      }).catch(fail);
      // Batches finish in the order pushed, so waiting for the oldest is waiting for room
      // (with no bound, nothing is held to wait for).
      if (Number.isFinite(depth)) waiting.push(tail);
      while (waiting.length > depth) await waiting.shift();
      const after = failed();
      if (after) throw after.err;
    },
    async drain() {
      await tail;
      waiting.length = 0;
      const after = failed();
      if (after) throw after.err;
    },
  };
}
