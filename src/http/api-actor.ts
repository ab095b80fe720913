import type { NextFunction, Request, Response } from 'express';
import { TokenError } from '../tokens/token-error.js';
import type { ApiActor, Role } from '../tokens/api-actor-types.js';

export type { ApiActor, Role };

/**
 * Who is calling an /api route. The bearer-token middleware (src/tokens/bearer-auth.ts)
 * authenticates every /api request and leaves the actor in `res.locals.actor`; routes then
 * ask for a role.
 */
export function actorOf(res: Response): ApiActor {
  const actor = res.locals.actor as ApiActor | undefined;
  if (!actor) throw new TokenError('auth.missing', 'no bearer token');
  return actor;
}

/** An operator may do what an auditor may; an auditor may only read. */
export function requireRole(role: Role) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    const actor = actorOf(res);
    if (role === 'operator' && actor.role !== 'operator') {
      next(new TokenError('auth.forbidden', `this route needs the operator role; token '${actor.name}' is ${actor.role}`));
      return;
    }
    next();
  };
}
