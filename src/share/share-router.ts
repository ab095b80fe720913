import type { ServerResponse } from 'node:http';
import express, { Router, type Request, type Response } from 'express';
import type { AuditLog } from '../audit/audit-entry.js';
import { sendError } from '../http/error-handler.js';
import { inputProblem } from '../http/input-problems.js';
import type { Logger } from '../log/logger.js';
import { envelopeBytes, type CmsSigner } from '../signing/cms-signer.js';
import { basicCredentials } from '../tokens/authorization-header.js';
import { createShareAccess, type Outcome, type ReadCall, type ShareAccess, type Trace } from './share-access.js';
import type { FieldGroup } from './field-filter.js';
import type { Authenticated } from './client-store.js';
import { parseAgencyCode, parseFields, parseGroupBy, parseSoDinhDanh, parseUnitQuery } from './share-params.js';
import type { ShareAnswer, ShareService } from './share-service.js';
import { ShareError, type ShareErrorCode } from './share-error.js';
import type { TokenThrottle } from './token-throttle.js';
import { isSoDinhDanh } from '../contract/so-dinh-danh.js';

/**
 * /share/oauth2/token and /share/v1: other agencies' access (docs/decisions/sharing.md). Not
 * under /api: callers are clients with their own tokens, not operators. This router parses
 * (path, query, headers, the token request's body) and answers (JSON, or on
 * `Accept: application/vnd.csdl.envelope+json` the contract's signed envelope); what is
 * allowed, and the audit entry each answer leaves, is decided in share-access.ts and
 * share-service.ts. Routing is case-sensitive and strict, as everywhere in the gateway.
 */
export const ENVELOPE_MEDIA_TYPE = 'application/vnd.csdl.envelope+json';

export interface ShareRouterOptions {
  service: ShareService;
  audit: AuditLog;
  signer: Pick<CmsSigner, 'sign'>;
  logger?: Logger;
  throttle?: TokenThrottle;
  /** The share access to decide with, when one is shared with the fast path (share-fast-path.ts); else its own. */
  access?: ShareAccess;
}

type Decide = (req: Request, caller: Authenticated, purpose: string, trace: Trace) => Promise<ShareAnswer>;

/** A token request's body the form parser refused (charset, size, encoding): the caller's 4xx. */
function unreadable(err: unknown): ShareError {
  const e = err as { status?: unknown; type?: unknown };
  const status = typeof e.status === 'number' && e.status >= 400 && e.status < 500 ? e.status : 400;
  return e.type === 'charset.unsupported'
    ? new ShareError('share.unsupported_charset', 'the form must be UTF-8', { status: 415 })
    : new ShareError('share.parameter_invalid', 'the token request\'s body could not be read', { status });
}

/**
 * A read's answer: JSON, or on `Accept: application/vnd.csdl.envelope+json` the contract's signed
 * envelope. Written directly: a personal record is never cached (no ETag, no 304), and express's
 * send() would hash every answer for one.
 */
export function writeAnswer(res: ServerResponse, answer: ShareAnswer, accept: string | undefined, signer: Pick<CmsSigner, 'sign'>): void {
  const json = answer.json ?? Buffer.from(JSON.stringify(answer.body), 'utf8');
  const envelope = (accept ?? '').toLowerCase().includes(ENVELOPE_MEDIA_TYPE);
  const bytes = envelope ? envelopeBytes('json', json, signer) : json;
  res.statusCode = 200;
  res.setHeader('Content-Type', `${envelope ? ENVELOPE_MEDIA_TYPE : 'application/json'}; charset=utf-8`);
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Length', bytes.length);
  res.end(bytes);
}

/** GET /share/v1/officials/{soDinhDanh}'s decision, given how to read its parameters (express's or the fast path's). */
export function officialDecision(service: ShareService) {
  return (so: () => string, fields: () => FieldGroup[] | undefined) => async (caller: Authenticated, purpose: string, trace: Trace): Promise<ShareAnswer> => {
    const soDinhDanh = so();
    // A refused read of a person is still a trace in that person's access report.
    trace.people = [soDinhDanh];
    return service.official(caller, purpose, soDinhDanh, fields());
  };
}

export function shareRouter(options: ShareRouterOptions): Router {
  const access = options.access ?? createShareAccess({
    service: options.service, audit: options.audit,
    ...(options.logger ? { logger: options.logger } : {}), ...(options.throttle ? { throttle: options.throttle } : {}),
  });
  const router = Router({ caseSensitive: true, strict: true });

  function callOf(req: Request, action: string, alsoRead?: string): ReadCall {
    const problem = inputProblem(req);
    return {
      action, requestId: req.id, authorization: req.header('authorization'), purposeHeader: req.header('x-purpose'), socket: req.socket,
      ...(alsoRead ? { alsoRead } : {}), ...(problem ? { inputProblem: problem } : {}),
    };
  }

  function answer(action: string, decide: Decide, alsoRead?: (req: Request) => string | undefined) {
    return async (req: Request, res: Response): Promise<void> => {
      let read: string | undefined;
      try {
        read = alsoRead?.(req);
      } catch {
        read = undefined;
      }
      const outcome: Outcome<ShareAnswer> = await access.read(callOf(req, action, read), (caller, purpose, trace) => decide(req, caller, purpose, trace));
      if (!outcome.ok) return sendError(req, res, outcome.refusal);
      writeAnswer(res, outcome.value, req.header('accept'), options.signer);
    };
  }

  const form = express.urlencoded({ extended: false, limit: '4kb' });
  router.post('/share/oauth2/token', async (req, res) => {
    const outcome = await access.issueToken({
      requestId: req.id, address: req.socket.remoteAddress ?? 'unknown', socket: req.socket,
      basic: basicCredentials(req.header('authorization')),
      body: () => new Promise((resolve, reject) => {
        form(req, res, (err?: unknown) => (err ? reject(unreadable(err)) : resolve((req.body ?? {}) as Record<string, unknown>)));
      }),
    });
    if (!outcome.ok) return sendError(req, res, outcome.refusal);
    res.setHeader('Cache-Control', 'no-store');
    res.json(outcome.value);
  });

  const official = officialDecision(options.service);
  router.get('/share/v1/officials/:soDinhDanh', answer('share.official.read', (req, caller, purpose, trace) => official(
    () => parseSoDinhDanh(String(req.params.soDinhDanh)), () => parseFields(req.query.fields),
  )(caller, purpose, trace), (req) => (isSoDinhDanh(req.params.soDinhDanh) ? req.params.soDinhDanh : undefined)));

  router.get('/share/v1/units/:agencyCode/officials', answer('share.unit.list', async (req, caller, purpose, trace) => {
    const unit = parseAgencyCode(String(req.params.agencyCode));
    trace.unit = unit;
    const query = parseUnitQuery(req.query as Record<string, unknown>);
    return options.service.unitOfficials(caller, purpose, unit, query, parseFields(req.query.fields));
  }));

  router.get('/share/v1/statistics', answer('share.statistics.read', async (req, caller, purpose, trace) => {
    const groupBy = parseGroupBy(req.query.groupBy);
    const unit = req.query.unit === undefined ? undefined : parseAgencyCode(String(req.query.unit), 'unit');
    if (unit) trace.unit = unit;
    return options.service.statistics(caller, purpose, groupBy, unit);
  }));

  // Any other method on a sharing route, or a path under /share/v1 that names none, is refused
  // through the caller's check like every other request, so a client's refusal is audited.
  const refuseAs = (status: number, code: ShareErrorCode, message: string) => async (req: Request, res: Response): Promise<void> => {
    const problem = new ShareError(code, message, { status });
    if (status === 405) res.setHeader('Allow', 'GET, HEAD');
    const outcome = await access.read({ ...callOf(req, 'share.request'), inputProblem: problem }, () => Promise.reject(problem));
    if (!outcome.ok) sendError(req, res, outcome.refusal);
  };
  router.all(['/share/v1/officials/:soDinhDanh', '/share/v1/units/:agencyCode/officials', '/share/v1/statistics'],
    refuseAs(405, 'share.method_not_allowed', 'this sharing route answers GET only'));
  router.all('/share/v1/*rest', refuseAs(404, 'share.not_found', 'no such sharing route'));

  // Express refuses a path parameter that does not decode before any route runs: the refusal
  // still goes through the caller's check, so a client's malformed request is audited as theirs.
  router.use('/share/v1', async (err: unknown, req: Request, res: Response, next: (err?: unknown) => void) => {
    const status = (err as { status?: unknown }).status;
    if (typeof status !== 'number' || status >= 500) return next(err);
    const call = { ...callOf(req, 'share.request'), inputProblem: new ShareError('share.parameter_invalid', 'the request could not be read', { status }) };
    const outcome = await access.read(call, () => Promise.reject(call.inputProblem));
    if (!outcome.ok) return sendError(req, res, outcome.refusal);
    next(err);
  });

  return router;
}
