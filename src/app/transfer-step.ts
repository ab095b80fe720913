import { loadWorkingCalendar } from '../calendar/calendar-loader.js';
import { vietnamToday } from '../calendar/working-calendar.js';
import { loadMapping } from '../mapping/mapping-loader.js';
import { configuredTrustAnchors } from '../compose/transfer-edges.js';
import { transferOpenApi } from '../transfer/transfer-openapi.js';
import { transferRouter } from '../transfer/transfer-router.js';
import { createTransferService } from '../transfer/transfer-service.js';
import { listTransfers } from '../transfer/transfer-store.js';
import { AppError } from './app-error.js';
import type { StartStep } from './gateway.js';

export { overdueTransfers } from '../transfer/transfer-service.js';

/**
 * Transferees on the running gateway: POST/GET /api/transfers over the national side the sync
 * step opened, and a /readyz entry naming overdue transfers (a warning, never a failure: a
 * late transfer is the receiving unit's to finish, not a reason to stop serving). The route
 * reads and writes personal data, so without an audit log it is not mounted at all.
 */
export const transferStep: StartStep = async (ctx) => {
  const { audit, national } = ctx.services;
  const calendar = loadWorkingCalendar({ onFallback: (_year, message) => ctx.logger.warn(message) });
  if (!audit) {
    ctx.logger.warn('transfers: no audit log yet; /api/transfers is not mounted (personal data is never served unaudited)');
    ctx.summary.push('transfers:   /api/transfers not mounted: no audit log');
  }
  if (!national) throw new AppError('app.step_order', 'the sync step must open the national side before the transfer step');
  const service = audit
    ? createTransferService({
      store: ctx.store.db, source: ctx.source.db, national: national.client, trustAnchors: configuredTrustAnchors(ctx.config),
      mapping: loadMapping(ctx.config.mappingFile), calendar, audit, logger: ctx.logger,
      ...(ctx.services.sourceHandles ? { sources: ctx.services.sourceHandles } : {}),
    })
    : undefined;
  if (service) {
    // Start-up recovery: pulls a killed process left unfinished are finished or rolled back first.
    const recovered = await service.recover();
    if (recovered.finished.length + recovered.rolledBack.length > 0) {
      ctx.summary.push(`transfers:   recovered interrupted pulls: ${recovered.finished.length} finished, ${recovered.rolledBack.length} rolled back`);
    }
  }
  if (service && audit) {
    ctx.routers.push(transferRouter({ service, audit }));
    ctx.openApi.push(transferOpenApi);
    ctx.summary.push('transfers:   POST /api/transfers (operator), GET /api/transfers[?overdue=true] (auditor)');
  }

  ctx.readiness.push(async function transfers() {
    // Ids and deadlines only: /readyz is not authenticated and must carry no personal data.
    const overdue = service
      ? await service.overdue()
      : (await listTransfers(ctx.store.db, { overdueOn: vietnamToday(new Date()) })).map((t) => ({ id: t.id, deadline: t.deadline ?? '' }));
    if (overdue.length === 0) return { name: 'transfers', ok: true, message: 'no transfer past its deadline' };
    const list = overdue.slice(0, 20).map((t) => `#${t.id} (deadline ${t.deadline})`).join(', ');
    return { name: 'transfers', ok: true, message: `${overdue.length} overdue`, warning: `${overdue.length} transfer(s) past their deadline: ${list}${overdue.length > 20 ? ', …' : ''}` };
  });
};
