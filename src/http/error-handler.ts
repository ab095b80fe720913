import type { NextFunction, Request, Response } from 'express';
import { isDbUnavailable } from '../db/db.js';
import { describeError, GatewayError } from '../errors.js';
import { HttpError } from './http-error.js';

/**
 * Every refusal carries a machine-readable code: GatewayErrors answer with their own status
 * (503 or 500 when they name none) and code; a body that is not JSON is a 400 `http.bad_json`,
 * one in a charset other than UTF-8 a 415 `http.unsupported_charset`, any other refusal by
 * express or the body parser its own 4xx; a store that cannot be reached a 503 `db.unreachable`;
 * anything else is a 500 whose details go to the log, not to the caller.
 */
export function notFound(req: Request, res: Response): void {
  sendError(req, res, new HttpError('http.not_found', `no route for ${req.method} ${req.path}`));
}

/** The status a GatewayError is answered with. */
export function statusOf(err: GatewayError): number {
  // An error that names no status is ours, not the caller's: 503 when trying again may
  // help (the store is unreachable), 500 otherwise. Refusals of a request set their 4xx.
  return err.status ?? (err.retryable ? 503 : 500);
}

/** The one writer of a GatewayError's answer: status, Retry-After, body; a 5xx is logged. */
export function sendError(req: Request, res: Response, err: GatewayError): void {
  const status = statusOf(err);
  if (err.retryAfter !== undefined) res.setHeader('Retry-After', String(err.retryAfter));
  if (status >= 500) {
    req.log?.error('request failed', { code: err.code, error: err.message, ...(err.cause === undefined ? {} : { cause: describeError(err.cause) }) });
  }
  res.status(status).json(err.toJSON());
}

export function errorHandler(err: unknown, req: Request, res: Response, _next: NextFunction): void {
  if (err instanceof GatewayError) {
    sendError(req, res, err);
    return;
  }
  const e = err as { type?: string; status?: number; message?: string };
  if (e.type === 'entity.parse.failed') {
    sendError(req, res, new HttpError('http.bad_json', 'the request body is not valid JSON'));
    return;
  }
  if (e.type === 'entity.too.large') {
    sendError(req, res, new HttpError('http.too_large', 'the request body is too large'));
    return;
  }
  if (e.type === 'charset.unsupported' || e.type === 'encoding.unsupported') {
    sendError(req, res, new HttpError('http.unsupported_charset', 'the body\'s charset or content encoding is not supported (send UTF-8)'));
    return;
  }
  // Any other refusal of the request by express or its body parser (a path that does not
  // decode, an aborted or mis-sized body) is the caller's: its 4xx, with a code.
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    sendError(req, res, new HttpError('http.bad_request', 'the request could not be read', { status: e.status }));
    return;
  }
  // The store restarting or out of reach: the caller may try again (a restart lasts seconds).
  if (isDbUnavailable(err)) {
    req.log?.error('the store is unreachable', { error: e.message ?? String(err) });
    res.setHeader('Retry-After', '5');
    res.status(503).json({ code: 'db.unreachable', message: 'the store cannot be reached right now; try again shortly' });
    return;
  }
  req.log?.error('unexpected error', { error: e.message ?? String(err) });
  // Written here rather than by sendError: the line above already logged what happened.
  res.status(500).json(new HttpError('http.internal', `internal error; see the gateway log for request ${String(req.id)}`).toJSON());
}
