import type { Config } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import type { RunningGateway } from './gateway.js';

/** Beyond SHUTDOWN_TIMEOUT_MS, the time the databases get to close cleanly. */
const STOP_GRACE_MS = 5000;
/** Whatever handle a library leaves open does not keep a stopped gateway's process alive. */
const EXIT_AFTER_STOP_MS = 1000;

/**
 * Runs a started gateway until SIGINT or SIGTERM, then stops it: no new connections, in-flight
 * requests and the running sync's current commit finish (RunningGateway.stop). Bounded: past
 * SHUTDOWN_TIMEOUT_MS (and a few seconds for the databases to close) it gives up waiting and
 * answers 1; a second signal exits at once. Both leave the store as a crash would, which the
 * sync recovers from (docs/decisions/outbox.md). Answers the process's exit code.
 */
export async function runUntilSignal(gateway: RunningGateway, config: Pick<Config, 'shutdownTimeoutMs'>, logger: Logger): Promise<number> {
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  logger.info('stopping: no new requests; in-flight ones and the running sync step finish', { signal, timeoutMs: config.shutdownTimeoutMs });
  const again = () => process.exit(130);
  process.once('SIGINT', again);
  process.once('SIGTERM', again);
  let deadline: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    deadline = setTimeout(() => resolve('late'), config.shutdownTimeoutMs + STOP_GRACE_MS);
  });
  const outcome = await Promise.race([gateway.stop().then(() => 'stopped' as const), late]);
  clearTimeout(deadline);
  setTimeout(() => process.exit(), EXIT_AFTER_STOP_MS).unref();
  if (outcome === 'late') {
    logger.error('stopping took longer than SHUTDOWN_TIMEOUT_MS: exiting anyway', { timeoutMs: config.shutdownTimeoutMs });
    return 1;
  }
  logger.info('stopped', { signal });
  return 0;
}
