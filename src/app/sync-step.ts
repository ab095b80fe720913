import { openNationalSide } from '../compose/national-side.js';
import { composeOpsActions } from '../compose/ops-actions-compose.js';
import { composeSync } from '../compose/sync-compose.js';
import { sourceHandles, type SourceHandle } from '../compose/source-handles.js';
import { describeError } from '../errors.js';
import { countPeople } from '../source/person-counts.js';
import { DEFAULT_SOURCE } from '../sources/sources-file.js';
import { opsActionsOpenApi } from '../ops/ops-actions-openapi.js';
import { opsActionsRouter } from '../ops/ops-actions-router.js';
import { scheduleSync } from '../sync/sync-scheduler.js';
import type { StartStep } from './gateway.js';
import { AppError } from './app-error.js';

/**
 * The national side (NDXP, or the built-in simulator when NDXP_URL is unset) and the sync
 * schedule. One sync runs right after start, so a fresh embedded default shows a real sync
 * within a minute; then every SYNC_CRON tick. The operators' actions (/api/ops/... retry,
 * resend, settle, cancel) share the sync's steps, national client and lock, and are mounted
 * only with an audit log to record them (the audit step runs before this one).
 */
/**
 * One start-up line per source of a merged province: its people and approved people, read
 * through its own mapping, or why it did not answer (within 5 s; the sync takes it up when it
 * does). Counts only: no personal data.
 */
export async function sourceCounts(handles: readonly SourceHandle[], timeoutMs = 5000): Promise<string[]> {
  return Promise.all(handles.map(async (h) => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<string>((resolve) => {
      timer = setTimeout(() => resolve(`no answer within ${timeoutMs / 1000} s (không trả lời)`), timeoutMs);
      timer.unref();
    });
    const counted = (async () => {
      try {
        const c = await countPeople(await h.db(), h.mapping().source);
        return `${c.people} people, ${c.approved} approved`;
      } catch (err) {
        return `not reachable (không kết nối được): ${describeError(err)}`;
      }
    })();
    try {
      return `source:      ${h.name} (${h.mapping().name}): ${await Promise.race([counted, late])}`;
    } finally {
      clearTimeout(timer);
    }
  }));
}

export const syncStep: StartStep = async (ctx) => {
  const signer = ctx.services.signer;
  if (!signer) throw new AppError('app.step_order', 'the signing step must run before the sync step');
  const national = await openNationalSide(ctx.config);
  ctx.onStop(() => national.close());
  ctx.services.national = national;
  // The rehearsal's demo databases are open already (demo step); a sources file's open when read
  // (the first one is ctx.source). Later steps use the same handles (transfers, sharing).
  const demo = ctx.services.demoSources;
  const first = ctx.config.sources.sources[0]!.name;
  const handles = demo
    ? sourceHandles(ctx.config, ctx.logger, new Map([[DEFAULT_SOURCE, ctx.source], ...demo]))
    : ctx.config.sources.fromFile ? sourceHandles(ctx.config, ctx.logger, new Map([[first, ctx.source]])) : undefined;
  if (handles) {
    ctx.services.sourceHandles = handles;
    ctx.onStop(async () => void (await Promise.all(handles.map((h) => h.close()))));
    // The rehearsal's demo step has counted its two databases already.
    if (!demo) ctx.summary.push(...(await sourceCounts(handles)));
  }
  const service = composeSync(ctx.config, {
    store: ctx.store, source: ctx.source, signer, national, logger: ctx.logger,
    ...(ctx.services.audit ? { audit: ctx.services.audit } : {}), ...(handles ? { handles } : {}),
  });
  ctx.services.syncTurns = service.turns;
  if (ctx.services.audit) {
    ctx.routers.push(opsActionsRouter(composeOpsActions(service, ctx.store, ctx.services.audit, ctx.config.sources)));
    ctx.openApi.push(opsActionsOpenApi);
  } else {
    ctx.summary.push('operators:   actions (retry, resend, settle, cancel) off: no audit log to record them');
  }
  const schedule = scheduleSync(ctx.config.syncCron, service, ctx.logger, ctx.stopping);
  ctx.onStop(() => schedule.stop());
  ctx.summary.push(`national:    ${national.description}`);
  ctx.summary.push(`sync:        on '${ctx.config.syncCron}', and once now`);
  // Not awaited: start-up completes while the first sync runs; stop waits for the lock holder.
  if (demo && ctx.afterSteps) {
    // The rehearsal's embedded databases each serve one transaction at a time: the first sync
    // (holding a source's, writing the store) waits until the later steps and the first refresh
    // of the shared records (holding the store's, reading a source) are done, not across them.
    let first: Promise<void> = Promise.resolve();
    ctx.afterSteps(() => {
      first = Promise.resolve(ctx.services.firstShareRefresh).then(() => schedule.runNow());
    });
    ctx.onStop(() => first);
  } else {
    const first = schedule.runNow();
    ctx.onStop(() => first);
  }
};
