import type { Db, Queryable } from '../db/db.js';
import type { PayloadCodec } from '../encoding/payload-codec.js';
import { describeError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { SourceSpec, UnitsSpec } from '../mapping/mapping-types.js';
import type { SyncTurns } from '../sync/sync-lock.js';
import { refreshSharedRecords, type RefreshOptions, type RefreshSource, type RefreshSummary } from './shared-records-refresh.js';

/**
 * The refresh of the served records on an interval: a tick is skipped while the previous
 * one still runs (and across processes the refresh's advisory lock lets one run at a time).
 * With the sync lock's `turns`, a refresh waits for a running sync (on the embedded databases,
 * whose one connection each the two would otherwise hold against each other).
 */
export interface RefreshSchedule {
  /** Runs one refresh now (or joins the one running). */
  runNow(): Promise<RefreshSummary | undefined>;
  stop(): Promise<void>;
}

export function scheduleRefresh(
  deps: {
    db: Db; codec: PayloadCodec; source?: Queryable; units?: UnitsSpec | undefined; persons?: SourceSpec['persons'];
    /** A merged province's sources and root, in place of `source` (shared-records-refresh.ts). */
    merged?: { sources: readonly RefreshSource[]; provinceRoot: string };
    logger: Logger;
    /** The sync lock's turns: a refresh waits for a running sync on the embedded databases. */
    turns?: SyncTurns;
  },
  everyMs: number,
): RefreshSchedule {
  let running: Promise<RefreshSummary | undefined> | undefined;
  const options: RefreshOptions = deps.merged
    ? { sources: deps.merged.sources, provinceRoot: deps.merged.provinceRoot }
    : deps.source ? { source: deps.source, units: deps.units, persons: deps.persons } : {};
  const runNow = () => {
    const refresh = () => refreshSharedRecords(deps.db, deps.codec, options);
    running ??= (deps.turns ? deps.turns.turn(refresh) : refresh())
      .then((summary) => {
        if (summary.unitsError) deps.logger.warn('unit hierarchy not copied from the provincial database', { error: summary.unitsError });
        if (summary.filterError) deps.logger.warn('person filter not applied to the shared records', { error: summary.filterError });
        if (summary.withheld > 0 || summary.restored > 0) deps.logger.info('shared records follow the person filter', { withheld: summary.withheld, restored: summary.restored });
        if (summary.records > 0 || summary.unitsCopied) deps.logger.info('shared records refreshed', { packets: summary.packets, records: summary.records, unitsCopied: summary.unitsCopied });
        return summary;
      })
      .catch((err: unknown) => {
        deps.logger.warn('shared records refresh failed', { error: describeError(err) });
        return undefined;
      })
      .finally(() => {
        running = undefined;
      });
    return running;
  };
  const timer = setInterval(() => void runNow(), everyMs);
  timer.unref();
  return {
    runNow,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
