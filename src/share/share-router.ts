import express, { Router, type Request, type Response } from 'express';
import type { AuditActor, AuditEntryInput, AuditLog } from '../audit/audit-entry.js';
import { describeError, GatewayError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { envelopeBytes, type CmsSigner } from '../signing/cms-signer.js';
import type { Authenticated } from './client-store.js';
import { checkClientCertificate } from './client-certificate.js';
import { basicCredentials, bearerToken } from '../tokens/authorization-header.js';
import { SO_DINH_DANH, parseAgencyCode, parseFields, parseGroupBy, parsePurpose, parseSoDinhDanh, parseUnitQuery } from './share-params.js';
import type { ShareAnswer, ShareService } from './share-service.js';
import { ShareError } from './share-error.js';

/**
 * /share/oauth2/token and /share/v1: other agencies' access (docs/decisions/sharing.md). Not
 * under /api: callers are clients with their own tokens, not operators. Every answer, refusals
 * included, appends one audit entry before it is sent (Luật 91/2025/QH15: every access to
 * personal data is logged); when the audit log cannot take it, no data leaves. On
 * `Accept: application/vnd.csdl.envelope+json` an answer comes as the contract's signed
 * envelope, signed with the province's key as packets are.
 */
export const ENVELOPE_MEDIA_TYPE = 'application/vnd.csdl.envelope+json';

export interface ShareRouterOptions {
  service: ShareService;
  audit: AuditLog;
  signer: Pick<CmsSigner, 'sign'>;
  logger?: Logger;
}

interface Trace {
  actor: AuditActor;
  purpose?: string;
  people?: string[];
  unit?: string;
}

type Handler = (req: Request, caller: Authenticated, purpose: string, trace: Trace) => Promise<ShareAnswer>;

/** A person a route reads, when its path names a well-formed one: read with the token check. */
type AlsoRead = (req: Request) => string | undefined;

function refusalOf(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  return new ShareError('share.internal', 'internal error', { status: 500, cause: err });
}

function sendError(res: Response, err: GatewayError, req: Request): void {
  const status = err.status ?? (err.retryable ? 503 : 500);
  if (err instanceof ShareError && err.retryAfter !== undefined) res.setHeader('Retry-After', String(err.retryAfter));
  if (status >= 500) req.log?.error('share request failed', { code: err.code, error: err.message, cause: err.cause === undefined ? undefined : describeError(err.cause) });
  res.status(status).json(err.toJSON());
}

export function shareRouter(options: ShareRouterOptions): Router {
  const { service, audit } = options;
  const router = Router();

  async function record(entry: AuditEntryInput, req: Request): Promise<boolean> {
    try {
      await audit.append(entry);
      return true;
    } catch (err) {
      (req.log ?? options.logger)?.error('audit entry not recorded', { action: entry.action, error: String(err) });
      return false;
    }
  }

  async function refuse(req: Request, res: Response, action: string, trace: Trace, err: unknown): Promise<void> {
    const refusal = refusalOf(err);
    const status = refusal.status ?? 500;
    await record({
      action, actor: trace.actor, outcome: status >= 500 ? 'error' : 'refused', code: refusal.code, requestId: req.id,
      ...(trace.purpose ? { purpose: trace.purpose } : {}), ...(trace.people ? { people: trace.people } : {}), ...(trace.unit ? { unit: trace.unit } : {}),
    }, req);
    sendError(res, refusal, req);
  }

  function answer(action: string, handler: Handler, alsoRead?: AlsoRead) {
    return async (req: Request, res: Response): Promise<void> => {
      const trace: Trace = { actor: { kind: 'client', name: 'unknown' } };
      try {
        const caller = await service.authenticate(bearerToken(req.header('authorization')), alsoRead?.(req));
        trace.actor = { kind: 'client', name: caller.agencyCode };
        checkClientCertificate(req.socket, caller.agencyCode);
        const purpose = parsePurpose(req.header('x-purpose'));
        trace.purpose = purpose;
        const result = await handler(req, caller, purpose, trace);
        const entry: AuditEntryInput = {
          action, actor: trace.actor, outcome: 'ok', purpose, people: result.people, fieldGroups: result.fieldGroups, requestId: req.id,
          ...(result.unit ? { unit: result.unit } : {}),
        };
        if (!(await record(entry, req))) throw new ShareError('share.audit_unavailable', 'the access could not be recorded; nothing was sent', { status: 503 });
        const json = Buffer.from(JSON.stringify(result.body), 'utf8');
        const envelope = wantsEnvelope(req);
        const bytes = envelope ? envelopeBytes('json', json, options.signer) : json;
        // Written directly: a personal record is never cached (no ETag, no 304), and express's
        // send() would hash every answer for one.
        res.status(200);
        res.setHeader('Content-Type', `${envelope ? ENVELOPE_MEDIA_TYPE : 'application/json'}; charset=utf-8`);
        res.setHeader('Cache-Control', 'no-store');
        res.setHeader('Content-Length', bytes.length);
        res.end(bytes);
      } catch (err) {
        await refuse(req, res, action, trace, err);
      }
    };
  }

  router.post('/share/oauth2/token', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const basic = basicCredentials(req.header('authorization'));
    const id = basic?.id ?? (typeof body.client_id === 'string' ? body.client_id : undefined);
    const secret = basic?.secret ?? (typeof body.client_secret === 'string' ? body.client_secret : undefined);
    const trace: Trace = { actor: { kind: 'client', name: id && /^[0-9A-Z.]{1,20}$/.test(id) ? id : 'unknown' } };
    try {
      if (body.grant_type !== 'client_credentials') {
        throw new ShareError('share.grant_type_unsupported', "grant_type must be 'client_credentials'", { status: 400 });
      }
      if (id === undefined || secret === undefined) {
        throw new ShareError('share.client_invalid', 'client credentials are required (HTTP Basic, or client_id and client_secret)', { status: 401 });
      }
      parseAgencyCode(id, 'client_id');
      checkClientCertificate(req.socket, id);
      const token = await service.issueToken(id, secret);
      await record({ action: 'share.token.issue', actor: trace.actor, outcome: 'ok', requestId: req.id }, req);
      res.setHeader('Cache-Control', 'no-store');
      res.json(token);
    } catch (err) {
      await refuse(req, res, 'share.token.issue', trace, err);
    }
  });

  router.get('/share/v1/officials/:soDinhDanh', answer('share.official.read', async (req, caller, purpose, trace) => {
    const so = parseSoDinhDanh(String(req.params.soDinhDanh));
    // A refused read of a person is still a trace in that person's access report.
    trace.people = [so];
    return service.official(caller, purpose, so, parseFields(req.query.fields));
  }, (req) => (SO_DINH_DANH.test(String(req.params.soDinhDanh)) ? String(req.params.soDinhDanh) : undefined)));

  router.get('/share/v1/units/:agencyCode/officials', answer('share.unit.list', async (req, caller, purpose, trace) => {
    const unit = parseAgencyCode(String(req.params.agencyCode));
    trace.unit = unit;
    const query = parseUnitQuery(req.query as Record<string, unknown>);
    return service.unitOfficials(caller, purpose, unit, query, parseFields(req.query.fields));
  }));

  router.get('/share/v1/statistics', answer('share.statistics.read', async (req, caller, purpose, trace) => {
    const groupBy = parseGroupBy(req.query.groupBy);
    const unit = req.query.unit === undefined ? undefined : parseAgencyCode(String(req.query.unit), 'unit');
    if (unit) trace.unit = unit;
    return service.statistics(caller, purpose, groupBy, unit);
  }));

  return router;
}

function wantsEnvelope(req: Request): boolean {
  return (req.header('accept') ?? '').toLowerCase().includes(ENVELOPE_MEDIA_TYPE);
}
