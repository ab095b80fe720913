import express, { type Router } from 'express';
import type { Logger } from '../log/logger.js';
import { errorHandler, notFound } from './error-handler.js';
import { healthController, type ReadinessCheck } from './health-controller.js';
import { requestContext } from './request-context.js';

/** The gateway's HTTP surface: health now; operators' and sharing routes mount here later. */
export interface HttpAppOptions {
  logger: Logger;
  readiness: ReadinessCheck[];
  routers?: Router[];
}

export function createHttpApp(options: HttpAppOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(requestContext(options.logger));
  app.use(express.json({ limit: '1mb' }));
  app.use(healthController(options.readiness));
  for (const router of options.routers ?? []) app.use(router);
  app.use(notFound);
  app.use(errorHandler);
  return app;
}
