import cron from 'node-cron';
import { GatewayError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { formatSummary } from './sync-summary.js';
import type { SyncService } from './sync-service.js';

/**
 * Runs the sync on SYNC_CRON (default every 15 minutes, well within the one-day limit of
 * Nghị định 27/2026). A tick that finds a sync still running is skipped (the service's lock);
 * a failed run is logged and the next tick tries again.
 */
export function scheduleSync(expression: string, service: SyncService, logger: Logger): { stop(): void; runNow(): Promise<void> } {
  if (!cron.validate(expression)) {
    throw new GatewayError('config.invalid', `config: SYNC_CRON '${expression}' is not a valid cron expression`);
  }
  const tick = async () => {
    try {
      const summary = await service.run();
      if (summary.skipped) logger.info('sync tick skipped: a sync is still running');
      else logger.info(`sync: ${formatSummary(summary).join('; ')}`);
    } catch (err) {
      logger.error('sync failed', { error: (err as Error).message });
    }
  };
  const task = cron.schedule(expression, tick);
  return { stop: () => void task.stop(), runNow: tick };
}
