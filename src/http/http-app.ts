import express, { type Router } from 'express';
import type { Logger } from '../log/logger.js';
import type { TokenService } from '../tokens/token-service.js';
import { bearerAuth } from '../tokens/bearer-auth.js';
import { requireRole } from './api-actor.js';
import { errorHandler, notFound } from './error-handler.js';
import { healthController, type DetailsGate, type ReadinessCheck } from './health-controller.js';
import { openApiDocument, type OpenApiFragment } from './openapi.js';
import { requestContext } from './request-context.js';
import { requestValidator, validationErrors } from './request-validator.js';
import { roleGuard } from './role-guard.js';

/**
 * The gateway's HTTP surface: health and metrics at the root; everything under /api needs a
 * bearer token (src/tokens) and is validated against the OpenAPI document, the union of the
 * capabilities' fragments, served at /api/openapi.json. Routers add their /api routes and
 * their fragment; authentication, the role each operation's `x-required-role` names, and
 * validation come with the prefix, in that order (the routes check their role again).
 */
export interface HttpAppOptions {
  logger: Logger;
  readiness: ReadinessCheck[];
  routers?: Router[];
  /** The fragments describing the routers' /api routes (src/http/openapi.ts). */
  openApi?: OpenApiFragment[];
  /** Checks /api bearer tokens; without it every /api request is refused with 401. */
  tokens?: Pick<TokenService, 'authenticate'>;
}

const BEARER = /^Bearer ([^\s]+)$/i;

/** /readyz details for a caller whose bearer token is valid (either role); anyone else gets codes. */
function readinessDetailsGate(tokens: HttpAppOptions['tokens']): DetailsGate {
  return async (req) => {
    const token = BEARER.exec(req.header('authorization') ?? '')?.[1];
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
        responses: { 200: { description: 'The OpenAPI 3.1 document', content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
  },
};

export function createHttpApp(options: HttpAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestContext(options.logger));
  app.use(express.json({ limit: '1mb' }));
  app.use(healthController(options.readiness, readinessDetailsGate(options.tokens)));

  const document = openApiDocument([documentFragment, ...(options.openApi ?? [])], API_INFO);
  app.use('/api', bearerAuth(options.tokens));
  app.get('/api/openapi.json', requireRole('auditor'), (_req, res) => {
    res.json(document);
  });
  // Only /api is held against the document: first the role (an auditor's token on an
  // operator's route is 403 whatever it sends), then the shape. The rest (/share, /metrics)
  // skips both rather than having each look and let go.
  const documentChecks = express.Router().use(roleGuard(document), requestValidator(document));
  app.use((req, res, next) => (req.path.startsWith('/api/') ? documentChecks(req, res, next) : next()));
  for (const router of options.routers ?? []) app.use(router);
  app.use(validationErrors);
  app.use(notFound);
  app.use(errorHandler);
  return app;
}
