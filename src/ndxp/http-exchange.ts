import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { AxiosInstance } from 'axios';
import { describeError } from '../errors.js';
import { NdxpError, type NdxpOperation } from './ndxp-error.js';
import { RETRYABLE_NETWORK_ERRORS, isRetryableNetworkCode, isRetryableStatus, parseRetryAfterMs } from './retry-policy.js';

/**
 * One HTTP attempt against NDXP, and nothing more: a fresh `X-Request-Id` (contract,
 * "Transport and authentication": unique per HTTP attempt), the connect and response
 * deadlines, one `AttemptRecord` per attempt whatever its outcome, and the translation of
 * transport failures into `NdxpError`s whose `retryable` comes from the retry table.
 * Deciding what an HTTP status means for an operation is the caller's job.
 */

/** One HTTP attempt, as the outbox stores it ("send attempts"). */
export interface AttemptRecord {
  operation: NdxpOperation;
  startedAt: Date;
  durationMs: number;
  httpStatus?: number;
  nationalCode?: string;
  requestId: string;
  error?: string;
}

export interface ExchangeRequest {
  operation: NdxpOperation;
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface ExchangeResponse {
  status: number;
  headers: Record<string, string | undefined>;
  body: Buffer;
  requestId: string;
}

export type AttemptObserver = (attempt: AttemptRecord) => void;

export interface ExchangeOptions {
  connectTimeoutMs: number;
  responseTimeoutMs: number;
  onAttempt?: ((attempt: AttemptRecord) => void) | undefined;
  now: () => number;
  /** Largest answer accepted; a receipt of 500 results is far below it. */
  maxResponseBytes?: number;
}

export interface HttpExchange {
  /**
   * Sends `request` once and hands the answer to `interpret`, which returns what the
   * operation wants or throws an `NdxpError`; the attempt is reported after it, so a
   * malformed or refused answer is on record with its error (and, for a status of 400 or
   * more, the national code that error carries). The attempt goes to the exchange's observer
   * and to `onAttempt`, the caller's own, so each caller files its attempts against its work.
   */
  send<T>(request: ExchangeRequest, interpret: (response: ExchangeResponse) => T, onAttempt?: AttemptObserver): Promise<T>;
  close(): void;
}

const CONNECT_TIMEOUT = 'NDXP_CONNECT_TIMEOUT';

/**
 * An agent whose sockets give up when the TCP (or TLS) connection is not made within
 * `connectTimeoutMs`: axios has one `timeout`, which covers neither phase precisely.
 */
function withConnectTimeout<A extends http.Agent>(agent: A, connectTimeoutMs: number): A {
  const create = (agent as unknown as { createConnection: (...args: unknown[]) => Socket }).createConnection.bind(agent);
  (agent as unknown as { createConnection: (...args: unknown[]) => Socket }).createConnection = (...args) => {
    const socket = create(...args);
    const timer = setTimeout(() => {
      const err = Object.assign(new Error(`no connection within ${connectTimeoutMs} ms`), { code: CONNECT_TIMEOUT });
      socket.destroy(err);
    }, connectTimeoutMs);
    const clear = (): void => clearTimeout(timer);
    socket.once('encrypted' in socket ? 'secureConnect' : 'connect', clear);
    socket.once('close', clear);
    return socket;
  };
  return agent;
}

export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function headerMap(raw: Record<string, unknown>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(raw)) {
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value === undefined ? undefined : String(value);
  }
  return out;
}

function errorCodeOf(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 4 && isObject(current); depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'ERR_BAD_RESPONSE' && code !== 'ERR_BAD_REQUEST') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A failure before any status arrived, as the NdxpError the retry table understands. */
function transportError(err: unknown, timedOut: boolean, request: ExchangeRequest, requestId: string, timeoutMs: number): NdxpError {
  const base = { operation: request.operation, requestId, cause: err };
  const code = errorCodeOf(err);
  if (timedOut) {
    return new NdxpError('ndxp.timeout', `${request.operation}: no complete answer within ${timeoutMs} ms`, { ...base, retryable: true });
  }
  if (code === CONNECT_TIMEOUT) {
    return new NdxpError('ndxp.timeout', `${request.operation}: ${(err as Error).message}`, { ...base, retryable: true });
  }
  const message = err instanceof Error ? err.message : String(err);
  if (isRetryableNetworkCode(code)) {
    const ndxpCode = RETRYABLE_NETWORK_ERRORS[code as string] ?? 'ndxp.reset';
    return new NdxpError(ndxpCode, `${request.operation}: ${code}: ${message}`, { ...base, retryable: true });
  }
  return new NdxpError('ndxp.network', `${request.operation}: ${code ?? 'error'}: ${message}`, { ...base, retryable: false });
}

export function createHttpExchange(options: ExchangeOptions): HttpExchange {
  const agentOptions = { keepAlive: true, maxSockets: 16 };
  const httpAgent = withConnectTimeout(new http.Agent(agentOptions), options.connectTimeoutMs);
  const httpsAgent = withConnectTimeout(new https.Agent(agentOptions), options.connectTimeoutMs);
  // axios (~100 ms to load with its dependencies) is imported with the first request, not
  // with the command: a sync with nothing to send or poll makes none.
  let client: Promise<AxiosInstance> | undefined;
  const clientOf = (): Promise<AxiosInstance> => (client ??= import('axios').then(({ default: axios }) => axios.create({
    httpAgent,
    httpsAgent,
    maxRedirects: 0,
    responseType: 'arraybuffer',
    // The exact envelope bytes go out untouched ("the same stored bytes").
    transformRequest: [(data: unknown) => data],
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    maxContentLength: options.maxResponseBytes ?? 32 * 1024 * 1024,
    maxBodyLength: Infinity,
  })));

  async function exchange(request: ExchangeRequest, requestId: string): Promise<ExchangeResponse> {
    // One deadline for the whole answer, body included: axios' own `timeout` is an idle
    // timer on the socket, which a slow trickle of bytes would never trip.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.responseTimeoutMs);
    try {
      const answer = await (await clientOf()).request<ArrayBuffer>({
        method: request.method,
        url: request.url,
        headers: { ...request.headers, 'X-Request-Id': requestId },
        data: request.body,
        signal: controller.signal,
      });
      return {
        status: answer.status,
        headers: headerMap(answer.headers as Record<string, unknown>),
        body: Buffer.from(answer.data),
        requestId,
      };
    } catch (err) {
      throw transportError(err, timedOut, request, requestId, options.responseTimeoutMs);
    } finally {
      clearTimeout(timer);
    }
  }

  async function send<T>(request: ExchangeRequest, interpret: (response: ExchangeResponse) => T, onAttempt?: AttemptObserver): Promise<T> {
    const requestId = randomUUID();
    const startedAt = new Date(options.now());
    const started = performance.now();
    const report = (fields: Partial<AttemptRecord>): void => {
      const attempt: AttemptRecord = {
        operation: request.operation,
        startedAt,
        durationMs: Math.round(performance.now() - started),
        requestId,
        ...fields,
      };
      options.onAttempt?.(attempt);
      onAttempt?.(attempt);
    };
    let response: ExchangeResponse;
    try {
      response = await exchange(request, requestId);
    } catch (err) {
      report({ error: describeError(err) });
      throw err;
    }
    try {
      const value = interpret(response);
      report({ httpStatus: response.status });
      return value;
    } catch (err) {
      // A refusal's national code, as the NdxpError the operation built read it from the body
      // (statusError): every operation throws for a status of 400 or more.
      const nationalCode = response.status >= 400 && err instanceof NdxpError ? err.nationalCode : undefined;
      report({ httpStatus: response.status, ...(nationalCode === undefined ? {} : { nationalCode }), error: describeError(err) });
      throw err;
    }
  }

  return {
    send,
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

/**
 * The error for an answer whose status the operation does not accept: the national code and
 * `errors` from the body, `Retry-After` read, `retryable` from the retry table.
 */
export function statusError(response: ExchangeResponse, operation: NdxpOperation, now: number): NdxpError {
  const parsed = parseJson(response.body);
  const body = isObject(parsed) ? parsed : {};
  const nationalCode = typeof body['code'] === 'string' ? body['code'] : undefined;
  const message = typeof body['message'] === 'string' ? body['message'] : `HTTP ${response.status}`;
  const retryAfterMs = parseRetryAfterMs(response.headers['retry-after'], now);
  return new NdxpError(
    `ndxp.http_${response.status}`,
    `${operation}: HTTP ${response.status}${nationalCode ? ` ${nationalCode}` : ''}: ${message}`,
    {
      retryable: isRetryableStatus(response.status),
      httpStatus: response.status,
      operation,
      requestId: response.requestId,
      details: errorDetails(body['errors']),
      ...(nationalCode === undefined ? {} : { nationalCode }),
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    },
  );
}

/** The contract's `errors: [{path, message}]` as `ErrorDetail`s; anything else is dropped. */
function errorDetails(errors: unknown): { path: string; message: string }[] {
  if (!Array.isArray(errors)) return [];
  return errors.filter(isObject).map((e) => ({
    path: typeof e['path'] === 'string' ? e['path'] : '',
    message: typeof e['message'] === 'string' ? e['message'] : JSON.stringify(e),
  }));
}
