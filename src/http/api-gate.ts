import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { AuditLog } from '../audit/audit-entry.js';
import { isGatewayError } from '../errors.js';
import { actorOf } from './api-actor.js';
import type { DocumentedRoutes } from './documented-routes.js';
import { HttpError } from './http-error.js';
import { bodyHoldsNul, inputProblem } from './input-problems.js';
import { roleGuard } from './role-guard.js';

/**
 * What every /api request passes once its token is known, in this order: the path and method
 * must be documented exactly (404, 405), the operation's role (403), input no route can take
 * (broken encoding, NUL: 400), then the body is parsed (only now: an unauthenticated caller
 * cannot make the gateway parse a megabyte) and the request is held against the document
 * (400). Every refusal here, and every later refusal a route did not audit itself, is audited
 * with the authenticated caller (`auditRefusals`).
 */
export interface RefusalAudit extends AuditLog {
  /** Whether this process has written an entry naming this request id (a route audited its refusal). */
  hasEntryFor?(requestId: string): boolean;
}

export function apiGate(routes: DocumentedRoutes, document: Record<string, unknown>, validator: RequestHandler[]): RequestHandler {
  const guard = roleGuard(document);
  const json = express.json({ limit: '1mb' });
  const steps: RequestHandler[] = [
    (req, res, next) => {
      const match = routes.match(req.method, req.path);
      if (!match) return next(new HttpError('http.not_found', `no route for ${req.method} ${req.path}`));
      res.locals.operation = match.operation;
      res.locals.documentedPath = match.path;
      if (!match.operation) {
        res.setHeader('Allow', match.allowed.join(', '));
        return next(new HttpError('http.method_not_allowed', `${req.method} is not an operation of ${match.path}`));
      }
      next();
    },
    guard,
    (req, _res, next) => next(inputProblem(req)),
    json,
    (req, _res, next) => next(bodyHoldsNul(req.body) ? new HttpError('http.bad_text', 'the body holds a NUL character') : undefined),
    ...validator,
  ];
  return (req, res, next) => {
    let i = 0;
    const step = (err?: unknown): void => {
      if (err !== undefined && err !== null) return next(err);
      const handler = steps[i++];
      if (!handler) return next();
      try {
        void Promise.resolve(handler(req, res, step)).catch(step);
      } catch (e) {
        step(e);
      }
    };
    step();
  };
}

/** The status a refusal answers with, as the error handler will give it. */
function statusOf(err: unknown): number | undefined {
  if (isGatewayError(err)) return err.status;
  const e = err as { status?: unknown; statusCode?: unknown };
  const status = typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : undefined;
  return status;
}

/**
 * Error middleware for /api: a 4xx answered to an authenticated caller that no route has
 * audited yet is audited here, with the caller, the operation and the refusal's code. When the
 * audit log cannot take it, the refusal still goes out (nothing was read or changed).
 */
export function auditRefusals(audit: RefusalAudit | undefined) {
  return async (err: unknown, req: Request, res: Response, next: NextFunction): Promise<void> => {
    const status = statusOf(err);
    if (!audit || !res.locals.actor || status === undefined || status < 400 || status >= 500 || audit.hasEntryFor?.(req.id)) return next(err);
    const actor = actorOf(res);
    const operation = res.locals.operation as { operationId?: string } | undefined;
    const code = isGatewayError(err) ? err.code : (err as { code?: unknown }).code;
    try {
      await audit.append({
        actor: { kind: actor.kind, name: actor.name }, action: `api.${operation?.operationId ?? 'unknown'}`, outcome: 'refused',
        code: typeof code === 'string' ? code : `http.${status}`, requestId: req.id,
      });
    } catch (auditErr) {
      req.log?.error('refusal not audited', { error: String(auditErr) });
    }
    next(err);
  };
}
