import { loadMapping } from '../mapping/mapping-loader.js';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditLog } from '../audit/audit-entry.js';
import { auditStats } from '../audit/audit-store.js';
import { loadWorkingCalendar } from '../calendar/calendar-loader.js';
import { workingDaysBetweenInstants } from '../calendar/working-calendar.js';
import { AuditError } from '../audit/audit-errors.js';
import { composeOps } from '../compose/ops-compose.js';
import { overdueTransfers } from '../transfer/transfer-service.js';
import { createTokenService } from '../tokens/token-service.js';
import { createTokenStore } from '../tokens/token-store.js';
import type { StartContext, StartStep } from './gateway.js';

/**
 * The operators' API (/api/ops), /metrics and the /readyz warnings. On the embedded default's
 * first start (no DATABASE_URL, no token yet) it creates an operator token, shows it once in
 * the start-up lines and leaves it in DATA_DIR/operator-token (mode 0600), so a newcomer can
 * call the API at once; with a configured store, tokens come from `csdl-gateway tokens create`.
 */
export const FIRST_TOKEN_NAME = 'first-operator';

/** The audit log as the audit step leaves it in the services, looked up per read: refuses while there is none. */
function lateAudit(ctx: StartContext): AuditLog {
  return {
    append(entry) {
      const audit = ctx.services.audit;
      if (!audit) return Promise.reject(new AuditError('audit.unavailable', 'no audit log: personal data is not shown without one', { status: 503 }));
      return audit.append(entry);
    },
  };
}

async function firstOperatorToken(ctx: StartContext): Promise<void> {
  const tokens = createTokenService(createTokenStore(ctx.store.db));
  if (ctx.config.databaseUrl || (await tokens.any())) return;
  const created = await tokens.create({ name: FIRST_TOKEN_NAME, role: 'operator' });
  const file = join(ctx.config.dataDir, 'operator-token');
  await writeFile(file, `${created.token}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  // Shown once, here, on stdout; never in a log line.
  ctx.summary.push(`operators:   first operator token (shown once; also in ${file}):`);
  ctx.summary.push(`             ${created.token}`);
}

export const opsStep: StartStep = async (ctx) => {
  await firstOperatorToken(ctx);
  const calendar = loadWorkingCalendar({ onFallback: (_year, message) => ctx.logger.warn(message) });
  const ops = composeOps({
    db: ctx.store.db,
    source: ctx.source.db,
    mapping: loadMapping(ctx.config.mappingFile),
    audit: lateAudit(ctx),
    signer: () => ctx.services.signer,
    auditStats: async () => {
      const stats = await auditStats(ctx.store.db);
      return { entries: stats.entries, ...(stats.lastCheckpointAt ? { lastCheckpointAt: stats.lastCheckpointAt } : {}) };
    },
    overdueTransfers: () => overdueTransfers(ctx.store.db),
    // "More than one working day" counts the province's calendar (config/calendar), in Vietnam's time.
    workingDaysBetween: (from, to) => workingDaysBetweenInstants(from, to, calendar),
    processMetrics: true,
    ...(ctx.config.sources.fromFile ? { mergedSources: ctx.config.sources.sources.map((s) => s.name) } : {}),
    ...(ctx.services.sourceHandles ? { sourceDatabases: ctx.services.sourceHandles, sourceExplainers: ctx.services.sourceHandles } : {}),
  });
  ctx.routers.push(...ops.routers);
  ctx.openApi.push(ops.openApi);
  ctx.readiness.push(ops.readiness);
  if (ops.sourcesReadiness) ctx.readiness.push(ops.sourcesReadiness);
  ctx.summary.push('operators:   /api/ops (bearer token; /api/openapi.json), /metrics; csdl-gateway tx, tokens');
};
