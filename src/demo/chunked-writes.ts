import { type Db, type Queryable, toDbError } from '../db/db.js';
import { DemoError } from './demo-error.js';

/** How a generator cuts its people into chunks and how many chunk writes may run at once. */
export interface ChunkPlan {
  total: number;
  chunkSize: number;
  concurrency: number;
  onProgress?: (done: number) => void;
}

/**
 * Makes chunk after chunk (`make(start, size)`, which reserves ids and generates people) while up
 * to `concurrency` earlier chunks are written, each in its own transaction: generating the next
 * chunk overlaps the database's work on the previous ones. `make` returns the chunk's write; the
 * first failure stops further chunks and is thrown once the writes in flight have settled.
 */
export async function writeInChunks(
  db: Db,
  plan: ChunkPlan,
  make: (start: number, size: number) => Promise<(tx: Queryable) => Promise<void>>,
  what: string,
): Promise<void> {
  const concurrency = Math.max(1, plan.concurrency);
  const inflight = new Set<Promise<void>>();
  let failure: unknown;
  let done = 0;
  for (let start = 0; start < plan.total && failure === undefined; start += plan.chunkSize) {
    const size = Math.min(plan.chunkSize, plan.total - start);
    const writeChunk = await make(start, size);
    const write: Promise<void> = db
      .transaction((tx) => writeChunk(tx))
      .then(() => {
        done += size;
        plan.onProgress?.(done);
      })
      .catch((err: unknown) => {
        failure ??= err;
      })
      .finally(() => inflight.delete(write));
    inflight.add(write);
    if (inflight.size >= concurrency) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  if (failure !== undefined) throw failure instanceof DemoError ? failure : toDbError(failure, what);
}
