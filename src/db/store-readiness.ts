import type { ReadinessCheck } from '../http/health-controller.js';
import type { Db } from './db.js';
import { pendingMigrations } from './migrate.js';

/** /readyz: the store answers and every migration shipped with this build is applied. */
export function storeReadiness(db: Db, timeoutMs = 3000): ReadinessCheck {
  return async function store() {
    const probe = Promise.all([db.query('SELECT 1'), pendingMigrations(db)]);
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`store did not answer within ${timeoutMs} ms`)), timeoutMs).unref(),
    );
    const [, pending] = await Promise.race([probe, timeout]);
    if (pending.length > 0) {
      return { name: 'store', ok: false, message: `migrations not applied: ${pending.join(', ')} (run csdl-gateway migrate)` };
    }
    return { name: 'store', ok: true, message: db.description };
  };
}
