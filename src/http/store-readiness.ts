import type { ReadinessCheck } from './health-controller.js';
import type { Db } from '../db/db.js';
import { listMigrations, pendingMigrations } from '../db/migrate.js';

/**
 * /readyz: the store answers and every migration shipped with this build is applied. The
 * shipped migrations are read from disk once, here; a probe only asks the database, and
 * reading the applied versions is itself the proof that the store answers.
 */
export function storeReadiness(db: Db, timeoutMs = 3000): ReadinessCheck {
  const shipped = listMigrations();
  return async function store() {
    const probe = pendingMigrations(db, shipped);
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`store did not answer within ${timeoutMs} ms`)), timeoutMs).unref(),
    );
    const pending = await Promise.race([probe, timeout]);
    if (pending.length > 0) {
      return { name: 'store', ok: false, message: `migrations not applied: ${pending.join(', ')} (run csdl-gateway migrate)` };
    }
    return { name: 'store', ok: true, message: db.description };
  };
}
