import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestIdOf } from '../http/request-context.js';
import { statusOf } from '../http/error-handler.js';
import { describeError, type GatewayError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { CmsSigner } from '../signing/cms-signer.js';
import { isSoDinhDanh } from '../contract/so-dinh-danh.js';
import type { ShareAccess } from './share-access.js';
import { parseFields, parseSoDinhDanh } from './share-params.js';
import { officialDecision, writeAnswer } from './share-router.js';
import type { ShareService } from './share-service.js';

/**
 * The one sharing read other agencies make most, GET /share/v1/officials/{soDinhDanh}, answered
 * before express when its request is plain: the path is exactly that route with twelve digits,
 * the query is empty or one `fields` of lowercase names and commas (nothing to decode), and the
 * method is GET. Everything else, HEAD and every malformed or unusual request included, goes on
 * to the express app, which answers it as before. What is decided is the router's own: the same
 * share access (token, certificate, rate lease, purpose, the audit entry before any byte is
 * sent), the same decision and the same writer of the answer (share-router.ts); what express
 * added around it is done here alike: the request id (X-Request-Id, sane or fresh), the request's
 * log line, and a refusal written as express's `res.json` writes it (JSON with charset, its
 * weak ETag, Retry-After). test/share/share-fast-path.test.ts holds the two paths' answers,
 * headers and audit entries equal. Skipping express's routing saves about a third of the
 * gateway's CPU per read (docs/decisions/sharing.md).
 */
export interface ShareFastPathOptions {
  access: ShareAccess;
  service: ShareService;
  signer: Pick<CmsSigner, 'sign'>;
  logger?: Logger;
}

/** Takes the request and answers it (true), or leaves it untouched for the next handler (false). */
export type FastRoute = (req: IncomingMessage, res: ServerResponse) => boolean;

const PLAIN_READ = /^\/share\/v1\/officials\/([0-9]{12})(?:\?fields=([a-z,]*))?$/;

/** The weak ETag express's `res.json` gives a body (the `etag` package's, weak): a refusal carries it on both paths. */
function weakEtag(body: Buffer): string {
  const hash = createHash('sha1').update(body).digest('base64').substring(0, 27);
  return `W/"${body.length.toString(16)}-${hash}"`;
}

function writeRefusal(res: ServerResponse, err: GatewayError, requestId: string, logger: Logger | undefined): void {
  const status = statusOf(err);
  if (err.retryAfter !== undefined) res.setHeader('Retry-After', String(err.retryAfter));
  if (status >= 500) {
    logger?.error('request failed', { requestId, code: err.code, error: err.message, ...(err.cause === undefined ? {} : { cause: describeError(err.cause) }) });
  }
  const body = Buffer.from(JSON.stringify(err.toJSON()), 'utf8');
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', body.length);
  res.setHeader('ETag', weakEtag(body));
  res.end(body);
}

export function shareFastPath(options: ShareFastPathOptions): FastRoute {
  const { access, logger } = options;
  const decide = officialDecision(options.service);

  async function serve(req: IncomingMessage, res: ServerResponse, so: string, fields: string | undefined): Promise<void> {
    const header = req.headers['x-request-id'];
    const requestId = requestIdOf(typeof header === 'string' ? header : undefined);
    res.setHeader('X-Request-Id', requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger?.info('http request', { requestId, method: 'GET', path: `/share/v1/officials/${so}`, status: res.statusCode, ms: Math.round(ms) });
    });
    const purpose = req.headers['x-purpose'];
    const outcome = await access.read({
      action: 'share.official.read', requestId, authorization: req.headers.authorization,
      purposeHeader: typeof purpose === 'string' ? purpose : undefined, socket: req.socket,
      ...(isSoDinhDanh(so) ? { alsoRead: so } : {}),
    }, decide(() => parseSoDinhDanh(so), () => parseFields(fields)));
    if (!outcome.ok) return writeRefusal(res, outcome.refusal, requestId, logger);
    const accept = req.headers.accept;
    writeAnswer(res, outcome.value, typeof accept === 'string' ? accept : undefined, options.signer);
  }

  return (req, res) => {
    if (req.method !== 'GET') return false;
    const m = PLAIN_READ.exec(req.url ?? '');
    if (!m) return false;
    serve(req, res, m[1]!, m[2]).catch((err: unknown) => {
      // access.read answers every failure itself; this is a write that failed on a closed socket.
      logger?.warn('sharing read not answered', { error: String(err) });
      if (!res.headersSent) res.destroy();
    });
    return true;
  };
}
