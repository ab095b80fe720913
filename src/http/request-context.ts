import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../log/logger.js';

/**
 * Every request gets an id (the caller's X-Request-Id when it is sane, else a fresh UUID),
 * echoed in the response, and a child logger that carries it on every line.
 */
declare module 'express-serve-static-core' {
  interface Request {
    id: string;
    log: Logger;
  }
}

const SANE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** The caller's X-Request-Id when it is sane (it goes into logs and headers), else a fresh UUID. */
export function requestIdOf(given: string | undefined): string {
  return given && SANE_ID.test(given) ? given : randomUUID();
}

/** The path decoded as express decodes parameters; a segment that does not decode stays as sent. */
export function decodedPath(path: string): string {
  return path.split('/').map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  }).join('/');
}

export function requestContext(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    req.id = requestIdOf(req.header('x-request-id'));
    req.log = logger.child({ requestId: req.id });
    res.setHeader('X-Request-Id', req.id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // The path as the router decodes it, so the log's mask sees a percent-encoded number whole.
      req.log.info('http request', { method: req.method, path: decodedPath(req.path), status: res.statusCode, ms: Math.round(ms) });
    });
    next();
  };
}
