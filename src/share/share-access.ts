import { isDbUnavailable } from '../db/db.js';
import type { Socket } from 'node:net';
import { failedOutcome, type AuditActor, type AuditEntryInput, type AuditLog } from '../audit/audit-entry.js';
import { GatewayError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { checkClientCertificate } from './client-certificate.js';
import type { Authenticated } from './client-store.js';
import { parseAgencyCode, parsePurpose } from './share-params.js';
import type { ShareAnswer, ShareService, TokenAnswer } from './share-service.js';
import { ShareError } from './share-error.js';
import { createTokenThrottle, type Aggregate, type TokenThrottle } from './token-throttle.js';

/**
 * What decides a sharing request, between the router (which parses and answers) and the
 * share service (grants, records): who the caller is (token, TLS certificate), its rate, its
 * purpose, and the audit entry every answer leaves before it is sent, refusals included
 * (Luật 91/2025/QH15); when the audit log cannot take an answer's entry, no data leaves. The
 * caller is known before anything else is read, so a refusal for the rate or for malformed
 * input is audited with the real caller. Token requests are throttled per client id and per
 * address, and their failures audited aggregated (token-throttle.ts).
 */
export interface ShareAccessOptions {
  service: ShareService;
  audit: AuditLog;
  logger?: Logger;
  throttle?: TokenThrottle;
}

export interface Trace {
  actor: AuditActor;
  purpose?: string;
  people?: string[];
  unit?: string;
}

export interface ReadCall {
  action: string;
  requestId: string;
  authorization: string | undefined;
  purposeHeader: string | undefined;
  socket: Socket;
  /** A person the route reads, when its path names a well-formed one: read with the token check. */
  alsoRead?: string;
  /** Input found unusable before routing (broken encoding, NUL): refused once the caller is known. */
  inputProblem?: GatewayError;
}

export interface TokenCall {
  requestId: string;
  address: string;
  socket: Socket;
  basic: { id: string; secret: string } | undefined;
  /** Parsed only once the address is under its limit. */
  body(): Promise<Record<string, unknown>>;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; refusal: GatewayError };

const BEARER = /^Bearer ([^\s]+)$/i;
const CLIENT_ID = /^[0-9A-Z.]{1,20}$/;

function refusalOf(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  if (isDbUnavailable(err)) {
    const unavailable = new ShareError('share.unavailable', 'the store cannot be reached right now; try again shortly', { status: 503, retryable: true, cause: err });
    unavailable.retryAfter = 5;
    return unavailable;
  }
  return new ShareError('share.internal', 'internal error', { status: 500, cause: err });
}

export function createShareAccess(options: ShareAccessOptions) {
  const { service, audit } = options;
  const throttle = options.throttle ?? createTokenThrottle();

  async function record(entry: AuditEntryInput): Promise<boolean> {
    try {
      await audit.append(entry);
      return true;
    } catch (err) {
      options.logger?.error('audit entry not recorded', { action: entry.action, error: String(err) });
      return false;
    }
  }

  async function refused<T>(action: string, trace: Trace, requestId: string, err: unknown): Promise<Outcome<T>> {
    const refusal = refusalOf(err);
    await record({
      action, actor: trace.actor, ...failedOutcome(refusal), requestId,
      ...(trace.purpose ? { purpose: trace.purpose } : {}), ...(trace.people ? { people: trace.people } : {}), ...(trace.unit ? { unit: trace.unit } : {}),
    });
    return { ok: false, refusal };
  }

  async function aggregated(done: Aggregate[], requestId: string): Promise<void> {
    for (const a of done) {
      const [kind, name] = [a.key.slice(0, a.key.indexOf(':')), a.key.slice(a.key.indexOf(':') + 1)];
      await record({
        action: 'share.token.failures', actor: { kind: 'client', name: kind === 'client' ? name : 'unknown' }, outcome: 'refused',
        code: 'share.client_invalid', requestId, purpose: `${a.failures} failed token requests ${kind === 'client' ? 'for this client' : 'from one address'} since ${a.since.toISOString()}`,
      });
    }
  }

  return {
    /**
     * A read: the caller, its certificate and rate, the input, the purpose, then `decide`
     * (which parses the route's parameters and asks the share service), then the entry.
     */
    async read(call: ReadCall, decide: (caller: Authenticated, purpose: string, trace: Trace) => Promise<ShareAnswer>): Promise<Outcome<ShareAnswer>> {
      const trace: Trace = { actor: { kind: 'client', name: 'unknown' } };
      try {
        const header = call.authorization;
        const token = header === undefined ? undefined : BEARER.exec(header)?.[1] ?? '';
        const caller = await service.authenticate(token, call.alsoRead);
        trace.actor = { kind: 'client', name: caller.agencyCode };
        checkClientCertificate(call.socket, caller.agencyCode);
        await service.checkRate(caller);
        if (call.inputProblem) throw call.inputProblem;
        const purpose = parsePurpose(call.purposeHeader);
        trace.purpose = purpose;
        const answer = await decide(caller, purpose, trace);
        const entry: AuditEntryInput = {
          action: call.action, actor: trace.actor, outcome: 'ok', purpose, people: answer.people, fieldGroups: answer.fieldGroups, requestId: call.requestId,
          ...(answer.unit ? { unit: answer.unit } : {}),
        };
        if (!(await record(entry))) throw new ShareError('share.audit_unavailable', 'the access could not be recorded; nothing was sent', { status: 503 });
        return { ok: true, value: answer };
      } catch (err) {
        return refused(call.action, trace, call.requestId, err);
      }
    },

    /** OAuth2 client credentials, throttled: per address before the body is read, per client id before the secret is checked. */
    async issueToken(call: TokenCall): Promise<Outcome<TokenAnswer>> {
      const action = 'share.token.issue';
      const trace: Trace = { actor: { kind: 'client', name: 'unknown' } };
      const done: Aggregate[] = [];
      const addressKey = `address:${call.address}`;
      try {
        const byAddress = throttle.retryAfter([addressKey], done);
        if (byAddress !== undefined) throw throttled(byAddress);
        const body: Record<string, unknown> = call.basic ? await call.body().catch(() => ({})) : await call.body();
        const id = call.basic?.id ?? (typeof body.client_id === 'string' ? body.client_id : undefined);
        const secret = call.basic?.secret ?? (typeof body.client_secret === 'string' ? body.client_secret : undefined);
        if (id && CLIENT_ID.test(id)) trace.actor = { kind: 'client', name: id };
        const keys = id && CLIENT_ID.test(id) ? [`client:${id}`, addressKey] : [addressKey];
        const wait = throttle.retryAfter(keys, done);
        if (wait !== undefined) {
          const pending = throttle.takeUnaudited(keys[0]!);
          if (pending) done.push(pending);
          await aggregated(done, call.requestId);
          return { ok: false, refusal: throttled(wait) };
        }
        if (body.grant_type !== 'client_credentials') {
          throw new ShareError('share.grant_type_unsupported', "grant_type must be 'client_credentials'", { status: 400 });
        }
        if (id === undefined || secret === undefined) {
          throw new ShareError('share.client_invalid', 'client credentials are required (HTTP Basic, or client_id and client_secret)', { status: 401 });
        }
        parseAgencyCode(id, 'client_id');
        checkClientCertificate(call.socket, id);
        let token: TokenAnswer;
        try {
          token = await service.issueToken(id, secret);
        } catch (err) {
          if (err instanceof ShareError && err.status === 401) {
            const first = throttle.fail(keys, done);
            await aggregated(done, call.requestId);
            if (first) return refused(action, trace, call.requestId, err);
            return { ok: false, refusal: err };
          }
          throw err;
        }
        throttle.succeed(keys[0]!);
        await aggregated(done, call.requestId);
        await record({ action, actor: trace.actor, outcome: 'ok', requestId: call.requestId });
        return { ok: true, value: token };
      } catch (err) {
        await aggregated(done, call.requestId);
        return refused(action, trace, call.requestId, err);
      }
    },
  };
}

function throttled(seconds: number): ShareError {
  const err = new ShareError('share.token_throttled', 'too many failed token requests; try again later', { status: 429 });
  err.retryAfter = Math.max(1, seconds);
  return err;
}

export type ShareAccess = ReturnType<typeof createShareAccess>;
