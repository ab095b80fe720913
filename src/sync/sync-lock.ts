import type { Db } from '../db/db.js';

/**
 * One sync at a time per store. Several gateway processes may share a real
 * PostgreSQL store: a session-level advisory lock, held on its own connection for the whole
 * run, makes sure only one of them syncs, and so that no packet is sent by two processes.
 * The embedded store has a single connection and a single process (its pid file), so there
 * the in-process flag alone is the lock. In both, a tick that finds a sync running is skipped.
 */
export interface SyncLock {
  /** Runs `work` if no other sync holds the lock; undefined when it was held. */
  runExclusive<T>(work: () => Promise<T>): Promise<T | undefined>;
}

const SYNC_LOCK_KEY = 73_102_027;

export function createSyncLock(db: Db, options: { sharedServer: boolean }): SyncLock {
  let running = false;
  return {
    async runExclusive(work) {
      if (running) return undefined;
      running = true;
      try {
        if (!options.sharedServer) return await work();
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
  };
}
