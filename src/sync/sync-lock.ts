import type { Db } from '../db/db.js';

/**
 * One sync at a time per store. Several gateway processes may share a real
 * PostgreSQL store: a session-level advisory lock, held on its own connection for the whole
 * run, makes sure only one of them syncs, and so that no packet is sent by two processes.
 * The embedded store has a single connection and a single process (its pid file), so there
 * the in-process flag alone is the lock. In both, a tick that finds a sync running is skipped.
 *
 * The embedded databases (PGlite) each serve one connection. Other work of the process that
 * holds one of them while waiting for another (the shared records' refresh holds the store's
 * transaction while it reads the provincial database, a sync holds a source's while it writes
 * the store) would wait out the pool's connection timeout beside a sync: such work takes its
 * `turn`, and the sync and it run one after the other, in the order they asked.
 */
export interface SyncLock {
  /** Runs `work` if no other sync holds the lock; undefined when it was held. */
  runExclusive<T>(work: () => Promise<T>): Promise<T | undefined>;
}

/** The sync lock as other work of the process sees it (the shared records' refresh). */
export interface SyncTurns {
  /**
   * Runs `work` between syncs: on an embedded store after the running sync (and other turns
   * asked before) ends; on a shared server at once, as its connections are many.
   */
  turn<T>(work: () => Promise<T>): Promise<T>;
}

const SYNC_LOCK_KEY = 73_102_027;

/** Work run one after another, in the order asked; a failure ends its own turn only. */
function oneAfterAnother(): <T>(work: () => Promise<T>) => Promise<T> {
  let last: Promise<unknown> = Promise.resolve();
  return (work) => {
    const mine = last.then(work);
    last = mine.catch(() => undefined);
    return mine;
  };
}

export function createSyncLock(db: Db, options: { sharedServer: boolean }): SyncLock & SyncTurns {
  let running = false;
  const inTurn = options.sharedServer ? <T>(work: () => Promise<T>) => work() : oneAfterAnother();
  return {
    async runExclusive(work) {
      if (running) return undefined;
      running = true;
      try {
        if (!options.sharedServer) return await inTurn(work);
        return await db.withClient(async (client) => {
          const got = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [SYNC_LOCK_KEY]);
          if (!got.rows[0]?.ok) return undefined;
          try {
            return await work();
          } finally {
            await client.query('SELECT pg_advisory_unlock($1)', [SYNC_LOCK_KEY]);
          }
        });
      } finally {
        running = false;
      }
    },
    turn: inTurn,
  };
}
