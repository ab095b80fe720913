import { auditOpenApi } from '../audit/audit-openapi.js';
import { auditRouter } from '../audit/audit-router.js';
import { createAuditReader } from '../audit/audit-service.js';
import { auditStats } from '../audit/audit-store.js';
import { openAuditLog } from '../compose/audit-log.js';
import type { StartStep } from './gateway.js';

/** A signed checkpoint at least this often, so a cut-off tail loses at most an hour's entries unseen. */
export const CHECKPOINT_INTERVAL_MS = 3_600_000;

/**
 * The audit log every later step appends to (ctx.services.audit), the auditors' routes, and
 * the hourly signed checkpoint. At stop the timer ends and what is queued is written.
 */
export const auditStep: StartStep = async (ctx) => {
  const signer = ctx.services.signer;
  const audit = await openAuditLog(ctx.store.db, signer, ctx.logger);
  ctx.services.audit = audit;
  ctx.onStop(() => audit.close());

  if (signer) {
    const timer = setInterval(() => {
      audit.checkpoint().catch((err: unknown) => ctx.logger.error('audit checkpoint failed', { error: (err as Error).message }));
    }, CHECKPOINT_INTERVAL_MS);
    timer.unref();
    ctx.onStop(async () => clearInterval(timer));
  }

  ctx.routers.push(auditRouter(createAuditReader(ctx.store.db, audit)));
  ctx.openApi.push(auditOpenApi);
  const stats = await auditStats(ctx.store.db);
  const last = stats.lastCheckpointAt ? `last checkpoint ${stats.lastCheckpointAt.toISOString()}` : 'no checkpoint yet';
  ctx.summary.push(`audit:       ${stats.entries} entries, ${last}${signer ? ', signed hourly' : ', unsigned (no signer)'}`);
};
