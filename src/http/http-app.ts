import express, { type Router } from 'express';
import type { Logger } from '../log/logger.js';
import type { TokenService } from '../tokens/token-service.js';
import { bearerAuth } from '../tokens/bearer-auth.js';
import { bearerToken } from '../tokens/authorization-header.js';
import { requireRole } from './api-actor.js';
import { apiGate, auditRefusals, type RefusalAudit } from './api-gate.js';
import { documentedRoutes } from './documented-routes.js';
import { errorHandler, notFound } from './error-handler.js';
import { healthController, type DetailsGate, type ReadinessCheck } from './health-controller.js';
import { healthOpenApi } from './health-openapi.js';
import { HttpError } from './http-error.js';
import { openApiDocument, type OpenApiFragment } from './openapi.js';
import { requestContext } from './request-context.js';
import { inputProblem } from './input-problems.js';
import { requestValidator, validationErrors } from './request-validator.js';

/**
 * The gateway's HTTP surface: health and metrics at the root; everything under /api needs a
 * bearer token (src/tokens) and is validated against the OpenAPI document, the union of the
 * capabilities' fragments, served at /api/openapi.json. Routers add their /api routes and
 * their fragment; authentication, the documented path and method, the role each operation's
 * `x-required-role` names, and validation come with the prefix, in that order (the routes
 * check their role again), and only then is a body parsed (api-gate.ts). Routing is
 * case-sensitive and strict: `/API/...` or a trailing slash is another path, unknown.
 */
export interface HttpAppOptions {
  logger: Logger;
  readiness: ReadinessCheck[];
  routers?: Router[];
  /** The fragments describing the routers' /api routes (src/http/openapi.ts). */
  openApi?: OpenApiFragment[];
  /** Checks /api bearer tokens; without it every /api request is refused with 401. */
  tokens?: Pick<TokenService, 'authenticate'>;
  /** Where refusals of an authenticated /api caller are audited; without it they are not. */
  audit?: RefusalAudit;
}

/** /readyz details for a caller whose bearer token is valid (either role); anyone else gets codes. */
function readinessDetailsGate(tokens: HttpAppOptions['tokens']): DetailsGate {
  return async (req) => {
    const token = bearerToken(req.header('authorization'));
    if (!tokens || !token) return false;
    await tokens.authenticate(token);
    return true;
  };
}

export const API_INFO = { title: 'csdl-gateway', version: '1' };

/** The document's own entry, so the route that serves it is described like every other. */
export const documentFragment: OpenApiFragment = {
  paths: {
    '/api/openapi.json': {
      get: {
        operationId: 'openApiDocument',
        summary: 'This OpenAPI document',
        'x-required-role': 'auditor',
        security: [{ operatorToken: [] }],
        responses: {
          200: { description: 'The OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } },
          401: { description: 'No token, or a wrong, expired or revoked one (`auth.missing`, `auth.invalid`, `auth.expired`, `auth.revoked`)', content: { 'application/json': { schema: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } } } },
        },
      },
    },
  },
};

/** `/API/`, `/Share/`...: a prefix of ours in another case is another path, refused before anything reads it. */
const OUR_PREFIX = /^\/(api|share)(\/|$)/i;

export function createHttpApp(options: HttpAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('case sensitive routing', true);
  app.set('strict routing', true);
  app.use(requestContext(options.logger));
  app.use((req, _res, next) => {
    const prefix = OUR_PREFIX.exec(req.path);
    if (prefix && !/^\/(api|share)(\/|$)/.test(req.path)) return next(new HttpError('http.not_found', 'no such path (paths are case-sensitive)'));
    // Under /api and /share a problem is refused once the caller is known, so it is audited with them.
    if (!prefix) return next(inputProblem(req));
    next();
  });
  app.use(healthController(options.readiness, readinessDetailsGate(options.tokens)));
  // /api parses bodies after the token (api-gate.ts), /share in its routes after the client's;
  // elsewhere nothing authenticates, and a body is parsed as it comes.
  const json = express.json({ limit: '1mb' });
  app.use((req, res, next) => (OUR_PREFIX.test(req.path) ? next() : json(req, res, next)));

  const document = openApiDocument([documentFragment, healthOpenApi, ...(options.openApi ?? [])], API_INFO);
  app.use('/api', bearerAuth(options.tokens));
  const gate = apiGate(documentedRoutes(document), document, requestValidator(document));
  app.use((req, res, next) => (req.path.startsWith('/api/') ? gate(req, res, next) : next()));
  app.get('/api/openapi.json', requireRole('auditor'), (_req, res) => {
    res.json(document);
  });
  for (const router of options.routers ?? []) app.use(router);
  app.use(validationErrors);
  app.use('/api', auditRefusals(options.audit));
  app.use(notFound);
  app.use(errorHandler);
  return app;
}
