import type { NextFunction, Request, Response } from 'express';
import { GatewayError } from '../errors.js';
import { bearerToken } from './authorization-header.js';
import { TokenError } from './token-error.js';
import type { TokenService } from './token-service.js';

/**
 * Every /api request carries `Authorization: Bearer <token>`; this leaves the token's actor
 * in `res.locals.actor` (src/http/api-actor.ts) for the routes' `requireRole`, or answers 401
 * with the reason's code. The token never reaches a log line: only the actor's name does.
 */
export function bearerAuth(tokens: Pick<TokenService, 'authenticate'> | undefined) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    try {
      if (!tokens) throw new TokenError('auth.unavailable', 'this gateway has no token store');
      const header = req.header('authorization');
      const token = bearerToken(header);
      if (header !== undefined && token === undefined) {
        throw new TokenError('auth.invalid', 'the Authorization header is not "Bearer <token>"');
      }
      const actor = await tokens.authenticate(token);
      res.locals.actor = actor;
      req.log = req.log.child({ actor: actor.name });
      next();
    } catch (err) {
      if (err instanceof GatewayError && err.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="csdl-gateway"');
      next(err);
    }
  };
}
