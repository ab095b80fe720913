import { Router, type Request, type Response } from 'express';
import type { AuditActor } from '../audit/audit-entry.js';
import { actorOf, requireRole } from '../http/api-actor.js';
import type { ActionBy, OpsActionsService } from './ops-actions-service.js';
import { OpsActionError } from './ops-actions-error.js';

/**
 * The operators' actions over HTTP (described in ops-actions-openapi.ts): operator role only,
 * JSON body `{reason}`, the answer the action's result. The bearer-token middleware in front
 * of /api sets the actor; refusals are GatewayErrors the error handler answers with their code.
 */
function by(req: Request, res: Response): ActionBy {
  const actor = actorOf(res);
  const auditActor: AuditActor = { kind: actor.kind, name: actor.name };
  return { actor: auditActor, requestId: req.id };
}

function reasonOf(req: Request): string {
  const body = req.body as { reason?: unknown } | undefined;
  return typeof body?.reason === 'string' ? body.reason : '';
}

export function opsActionsRouter(service: OpsActionsService): Router {
  const router = Router();
  const operator = requireRole('operator');
  router.post('/api/ops/packets/:id/retry', operator, async (req, res) => {
    res.json(await service.retry(String(req.params.id), by(req, res), reasonOf(req)));
  });
  router.post('/api/ops/packets/:id/cancel', operator, async (req, res) => {
    res.json(await service.cancel(String(req.params.id), by(req, res), reasonOf(req)));
  });
  router.post('/api/ops/people/:soDinhDanh/resend', operator, async (req, res) => {
    res.json(await service.resend(String(req.params.soDinhDanh), by(req, res), reasonOf(req)));
  });
  router.post('/api/ops/people/:soDinhDanh/prefer', operator, async (req, res) => {
    const body = req.body as { source?: unknown } | undefined;
    const source = typeof body?.source === 'string' ? body.source : '';
    if (!service.prefer) throw new OpsActionError('ops.sources_not_configured', 'the gateway reads one provincial database (no SOURCES_FILE): there is nothing to prefer');
    res.json(await service.prefer(String(req.params.soDinhDanh), source, by(req, res), reasonOf(req)));
  });
  router.post('/api/ops/records/:id/settle', operator, async (req, res) => {
    res.json(await service.settle(String(req.params.id), by(req, res), reasonOf(req)));
  });
  return router;
}
