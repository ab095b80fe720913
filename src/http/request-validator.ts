import type { NextFunction, Request, RequestHandler, Response } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import { GatewayError } from '../errors.js';
import { HttpError, type HttpErrorCode } from './http-error.js';

/**
 * Requests under /api are checked against the served OpenAPI 3.1 document by
 * express-openapi-validator (5.x supports Express 5 and OpenAPI 3.1; docs/decisions/
 * api-validation.md). Its refusals become the gateway's own: a 400 `http.bad_request` with
 * one `{path, message}` detail per problem. Only requests are validated: the responses are
 * the gateway's own and are held against the document by the tests instead.
 * Paths the document does not list are left to the routers (and to the test that fails
 * when a route is missing from the document), so a capability's router never 404s because
 * another capability's fragment is missing.
 */
export function requestValidator(document: Record<string, unknown>): RequestHandler[] {
  return OpenApiValidator.middleware({
    // The document is built in memory from the fragments; a copy, as the library resolves $refs in place.
    apiSpec: structuredClone(document) as never,
    validateRequests: { allowUnknownQueryParameters: false, coerceTypes: false },
    validateResponses: false,
    validateSecurity: false,
    ignoreUndocumented: true,
    ignorePaths: (path: string) => !path.startsWith('/api/'),
  }) as unknown as RequestHandler[];
}

interface ValidatorHttpError {
  status: number;
  message: string;
  errors?: { path?: string; message?: string }[];
}

function isValidatorError(err: unknown): err is ValidatorHttpError {
  const e = err as Partial<ValidatorHttpError> | null;
  return typeof e?.status === 'number' && Array.isArray(e.errors) && !(err instanceof GatewayError);
}

const CODES: Readonly<Record<number, HttpErrorCode>> = { 400: 'http.bad_request', 405: 'http.method_not_allowed', 415: 'http.unsupported_media_type', 404: 'http.not_found' };

/** Turns the validator's errors into GatewayErrors for the shared error handler. */
export function validationErrors(err: unknown, _req: Request, _res: Response, next: NextFunction): void {
  if (!isValidatorError(err)) {
    next(err);
    return;
  }
  const details = (err.errors ?? []).map((e) => ({
    // The library names where the problem is ('/query/pageSize', '/params/id', '/body/reason').
    path: (e.path ?? '').replace(/^\./, '/'),
    message: e.message ?? 'invalid',
  }));
  const status = err.status in CODES ? err.status : 400;
  next(new HttpError(CODES[status] ?? 'http.bad_request', details.length ? 'the request does not match the API document' : err.message, { status, details }));
}
