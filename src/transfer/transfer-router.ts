import { Router, type NextFunction, type Request, type Response } from 'express';
import { failedOutcome, type AuditEntryInput, type AuditLog } from '../audit/audit-entry.js';
import { actorOf, requireRole, type Role } from '../http/api-actor.js';
import { TransferError } from './transfer-error.js';
import { pullRequestFromBody } from './transfer-request.js';
import type { CallContext, TransferService } from './transfer-service.js';

/**
 * POST /api/transfers (operator): pull a transferee; GET /api/transfers[?overdue=true]
 * (auditor): the transfers and their deadlines; POST /api/transfers/{id}/cancel (operator): close
 * a transfer whose source was removed from the sources file. Described in transfer-openapi.ts. The service
 * audits what it is asked; the refusals made here, before it (a role, a body of the wrong
 * shape), are audited here, so every request leaves its entry.
 */
export interface TransferRouterDeps {
  service: Pick<TransferService, 'pull' | 'list' | 'cancel'>;
  audit: AuditLog;
}

export function transferRouter(deps: TransferRouterDeps): Router {
  const router = Router();

  function context(req: Request, res: Response): CallContext {
    const actor = actorOf(res);
    return { actor: { kind: 'token', name: actor.name }, requestId: req.id };
  }

  /** requireRole, with its refusal audited as `action`. */
  function role(role: Role, action: string) {
    return (req: Request, res: Response, next: NextFunction): void => {
      requireRole(role)(req, res, (err?: unknown) => {
        if (!err) return next();
        refused(req, res, { action }, err).then(() => next(err), next);
      });
    };
  }

  async function refused(req: Request, res: Response, entry: Omit<AuditEntryInput, 'actor' | 'outcome'>, err: unknown): Promise<void> {
    const ctx = context(req, res);
    await deps.audit.append({
      ...entry, actor: ctx.actor, ...failedOutcome(err, 'internal'),
      ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
    });
  }

  router.post('/api/transfers', role('operator', 'transfer.pull'), async (req, res) => {
    let request;
    try {
      request = pullRequestFromBody(req.body);
    } catch (err) {
      await refused(req, res, { action: 'transfer.pull', purpose: 'transfer-in' }, err);
      throw err;
    }
    const outcome = await deps.service.pull(request, context(req, res));
    res.status(outcome.staged.refreshed ? 200 : 201).json(outcome);
  });

  router.get('/api/transfers', role('auditor', 'transfer.list'), async (req, res) => {
    const overdue = req.query.overdue;
    if (overdue !== undefined && overdue !== 'true' && overdue !== 'false') {
      const err = new TransferError('transfer.bad_request', 'overdue must be true or false');
      await refused(req, res, { action: 'transfer.list' }, err);
      throw err;
    }
    const transfers = await deps.service.list({ overdue: overdue === 'true' }, context(req, res));
    res.json({ transfers });
  });

  // A transfer whose source was removed from the sources file, closed by an operator (transfer-service.ts `cancel`).
  router.post('/api/transfers/:id/cancel', role('operator', 'transfer.cancel'), async (req, res) => {
    const body = req.body as { reason?: unknown } | undefined;
    const reason = typeof body?.reason === 'string' ? body.reason : '';
    res.json(await deps.service.cancel(req.params.id as string, reason, context(req, res)));
  });

  return router;
}
