import cron from 'node-cron';
import { ConfigError } from '../config/config-error.js';
import type { Logger } from '../log/logger.js';
import { formatSummary } from './sync-summary.js';
import type { SyncService } from './sync-service.js';

/**
 * Runs the sync on SYNC_CRON (default every 15 minutes, well within the one-day limit of
 * Nghị định 27/2026). A tick that finds a sync still running is skipped (the service's lock);
 * a failed run is logged and the next tick tries again. When the gateway stops (`stopping`),
 * no tick starts, and a running one ends after the commit it is in (sync-collect.ts).
 */
export function scheduleSync(
  expression: string, service: SyncService, logger: Logger, stopping?: AbortSignal,
): { stop(): Promise<void>; runNow(): Promise<void> } {
  if (!cron.validate(expression)) {
    throw new ConfigError(`config: SYNC_CRON '${expression}' is not a valid cron expression`);
  }
  let running: Promise<void> | undefined;
  const once = async () => {
    if (stopping?.aborted) return;
    try {
      const summary = await service.run(stopping ? { signal: stopping } : {});
      if (summary.skipped) logger.info('sync tick skipped: a sync is still running');
      else logger.info(`sync: ${formatSummary(summary).join('; ')}`);
    } catch (err) {
      logger.error('sync failed', { error: (err as Error).message });
    }
  };
  const tick = () => {
    const run = once().finally(() => {
      if (running === run) running = undefined;
    });
    running = run;
    return run;
  };
  const task = cron.schedule(expression, tick);
  return {
    // No tick after this; the one running (scheduled or first) finishes its current step.
    async stop() {
      await task.stop();
      await running;
    },
    runNow: tick,
  };
}
