import type { NextFunction, Request, Response } from 'express';
import { requireRole, type Role } from './api-actor.js';

/**
 * The role each documented /api operation names in `x-required-role`, checked before the
 * request's shape: an auditor's token on an operator's operation is 403 whatever it sends,
 * not a 400 that tells it how to shape a request it may not make. The routes check their
 * role again; this only moves the refusal first. It adds no route, so the test that holds
 * express's routes against the document still sees only the capabilities' own.
 */
interface Guarded {
  method: string;
  pattern: RegExp;
  role: Role;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const escape = (text: string) => text.replace(/[.*+?^$()|[\]\\]/g, '\\$&');

function guardedOperations(document: Record<string, unknown>): Guarded[] {
  const guarded: Guarded[] = [];
  const paths = (document.paths ?? {}) as Record<string, Record<string, { 'x-required-role'?: unknown } | undefined>>;
  for (const [path, item] of Object.entries(paths)) {
    if (!path.startsWith('/api/')) continue;
    const pattern = new RegExp(`^${path.split(/\{[^}]+\}/).map(escape).join('[^/]+')}/?$`);
    for (const method of METHODS) {
      const role = item[method]?.['x-required-role'];
      if (role === 'operator' || role === 'auditor') guarded.push({ method: method.toUpperCase(), pattern, role });
    }
  }
  return guarded;
}

export function roleGuard(document: Record<string, unknown>) {
  const guarded = guardedOperations(document);
  return (req: Request, res: Response, next: NextFunction): void => {
    const operation = guarded.find((g) => g.method === req.method && g.pattern.test(req.path));
    if (!operation) {
      next();
      return;
    }
    requireRole(operation.role)(req, res, next);
  };
}
