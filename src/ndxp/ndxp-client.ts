import type { ErrorDetail } from '../errors.js';
import { createHttpExchange, parseJson, statusError } from './http-exchange.js';
import type { AttemptObserver, ExchangeRequest, ExchangeResponse } from './http-exchange.js';
import { NdxpError, type NdxpOperation } from './ndxp-error.js';
import { readEnvelope, readPushReceipt, readReceipt } from './receipt-shape.js';
import type { PushReceipt, Receipt, SignedEnvelope } from './receipt-shape.js';
import { DEFAULT_RETRY_BOUNDS, backoffDelayMs, decideRetry, type RetryBounds } from './retry-policy.js';
import { createTokenProvider } from './token-provider.js';

/**
 * The NDXP client: the national side's four calls (contract, "Push", "Receipt", "Pull a
 * transferee") over one token provider, one retry table and one HTTP exchange. Pure
 * transport: it knows packets only as opaque envelope bytes, and nothing of the outbox.
 */

export interface NdxpPaths {
  token: string;
  packets: string;
  officials: string;
}

export const DEFAULT_NDXP_PATHS: Readonly<NdxpPaths> = Object.freeze({
  token: '/oauth2/token',
  packets: '/csdl/v1/packets',
  officials: '/csdl/v1/officials',
});

export interface NdxpClientOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Our agency code, sent as `X-Consumer-Code` (the national side checks it is the sender). */
  consumerCode: string;
  paths?: Partial<NdxpPaths>;
  connectTimeoutMs: number;
  responseTimeoutMs: number;
  retry?: Partial<RetryBounds>;
  /**
   * Observes every HTTP attempt of every call, token requests included (metrics). Must not
   * throw. A caller that files attempts against its own work passes `onAttempt` per call.
   */
  onAttempt?: AttemptObserver;
  /** Waits between attempts and polls; tests pass one that records and returns at once. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Jitter source in [0, 1). */
  random?: () => number;
  tokenRefreshMarginMs?: number;
}

export interface PushResult {
  /** 202 the first time the national side sees the packet, 200 for a repeat of it. */
  httpStatus: 200 | 202;
  receipt: PushReceipt;
}

/**
 * Per call: `onAttempt` hears the attempts this call makes (a token fetch it starts included),
 * so attempts travel with the call that produced them, however many callers share the client.
 */
export interface CallOptions {
  onAttempt?: AttemptObserver;
}

export interface PollOptions {
  maxWaitMs: number;
  minDelayMs: number;
  maxDelayMs: number;
}

export interface PullOptions extends CallOptions {
  /** Agency code of the unit receiving the official (`X-Receiving-Unit`). */
  receivingUnit: string;
  purpose?: string;
  /** A preference only: the national side may answer in the other format. */
  accept?: 'json' | 'xml';
}

export interface NdxpClient {
  pushPacket(envelopeBytes: Buffer, call?: CallOptions): Promise<PushResult>;
  getReceipt(packetId: string, call?: CallOptions): Promise<Receipt>;
  pollReceipt(packetId: string, options: PollOptions, call?: CallOptions): Promise<Receipt>;
  /** The envelope exactly as received: verifying it is the signer's job, not the transport's. */
  pullOfficial(soDinhDanh: string, options: PullOptions): Promise<SignedEnvelope>;
  /** Closes the kept-alive connections. */
  close(): void;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

function badResponse(operation: NdxpOperation, response: ExchangeResponse, problems: ErrorDetail[]): NdxpError {
  // A push whose answer we cannot read may still have been stored: repeating the same bytes
  // is safe (idempotent by packetId) and tells us. A GET that answers nonsense will not heal.
  return new NdxpError('ndxp.bad_response', `${operation}: HTTP ${response.status} with an answer the contract does not allow`, {
    retryable: operation === 'push',
    httpStatus: response.status,
    operation,
    requestId: response.requestId,
    details: problems,
  });
}

function jsonBody(operation: NdxpOperation, response: ExchangeResponse): unknown {
  const body = parseJson(response.body);
  if (body === undefined) throw badResponse(operation, response, [{ path: '', message: 'the body is not JSON' }]);
  return body;
}

export function createNdxpClient(options: NdxpClientOptions): NdxpClient {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const bounds: RetryBounds = { ...DEFAULT_RETRY_BOUNDS, ...options.retry };
  const paths: NdxpPaths = { ...DEFAULT_NDXP_PATHS, ...options.paths };
  const url = (path: string): string => joinUrl(options.baseUrl, path);
  const exchange = createHttpExchange({
    connectTimeoutMs: options.connectTimeoutMs,
    responseTimeoutMs: options.responseTimeoutMs,
    onAttempt: options.onAttempt,
    now,
  });
  const tokens = createTokenProvider(
    { exchange, url: url(paths.token), clientId: options.clientId, clientSecret: options.clientSecret, now },
    options.tokenRefreshMarginMs,
  );

  /**
   * One attempt with a bearer token. A 401 means the token was revoked before it expired
   * (contract, "Transport and authentication"): fetch a new one and try once more, once per
   * call, outside the backoff budget.
   */
  async function authorised<T>(
    request: Omit<ExchangeRequest, 'headers'> & { headers?: Record<string, string> },
    interpret: (response: ExchangeResponse) => T,
    auth: { renewed: boolean },
    onAttempt: AttemptObserver | undefined,
  ): Promise<T> {
    for (;;) {
      const token = await tokens.getToken(onAttempt);
      const headers = { ...request.headers, Authorization: `Bearer ${token}`, 'X-Consumer-Code': options.consumerCode };
      try {
        return await exchange.send({ ...request, headers }, (response) => {
          if (response.status === 401) throw statusError(response, request.operation, now());
          return interpret(response);
        }, onAttempt);
      } catch (err) {
        if (!(err instanceof NdxpError && err.httpStatus === 401) || auth.renewed) throw err;
        auth.renewed = true;
        tokens.invalidate(token);
      }
    }
  }

  /**
   * Repeats `attempt` as the retry table says (retry-policy.ts decides whether and how long,
   * Retry-After included), waiting through the injected `sleep`; a final failure is thrown at
   * once, with no wait after it.
   */
  async function withRetries<T>(attempt: () => Promise<T>): Promise<T> {
    for (let retryIndex = 0; ; retryIndex += 1) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof NdxpError)) throw error;
        const decision = decideRetry(error, retryIndex, bounds, random);
        if (!decision.retry) throw error;
        await sleep(decision.delayMs);
      }
    }
  }

  async function pushPacket(envelopeBytes: Buffer, call: CallOptions = {}): Promise<PushResult> {
    const auth = { renewed: false };
    // The very same bytes on every attempt: the packetId inside them makes a repeat harmless.
    const request = {
      operation: 'push' as const,
      method: 'POST' as const,
      url: url(paths.packets),
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: envelopeBytes,
    };
    return withRetries(() =>
      authorised(request, (response): PushResult => {
        if (response.status !== 200 && response.status !== 202) {
          if (response.status >= 200 && response.status < 300) {
            throw badResponse('push', response, [{ path: '', message: `status ${response.status} is neither 200 nor 202` }]);
          }
          throw statusError(response, 'push', now());
        }
        const shape = readPushReceipt(jsonBody('push', response));
        if (!shape.ok) throw badResponse('push', response, shape.problems);
        return { httpStatus: response.status, receipt: shape.value };
      }, auth, call.onAttempt),
    );
  }

  async function getReceipt(packetId: string, call: CallOptions = {}): Promise<Receipt> {
    const auth = { renewed: false };
    const request = {
      operation: 'receipt' as const,
      method: 'GET' as const,
      url: url(`${paths.packets.replace(/\/+$/, '')}/${encodeURIComponent(packetId)}`),
      headers: { Accept: 'application/json' },
    };
    return withRetries(() =>
      authorised(request, (response): Receipt => {
        if (response.status !== 200) throw statusError(response, 'receipt', now());
        const shape = readReceipt(jsonBody('receipt', response));
        if (!shape.ok) throw badResponse('receipt', response, shape.problems);
        if (shape.value.packetId !== packetId) {
          throw badResponse('receipt', response, [{ path: '/packetId', message: `is ${shape.value.packetId}, asked for ${packetId}` }]);
        }
        return shape.value;
      }, auth, call.onAttempt),
    );
  }

  /**
   * Asks for the receipt until it is `done` or `failed` (contract, "Receipt": "from
   * milliseconds to hours ... poll with backoff"). Gives up after `maxWaitMs` with a
   * retryable `ndxp.receipt_pending`: the outbox polls again on a later run.
   */
  async function pollReceipt(packetId: string, poll: PollOptions, call: CallOptions = {}): Promise<Receipt> {
    const started = now();
    for (let round = 0; ; round++) {
      const receipt = await getReceipt(packetId, call);
      if (receipt.status === 'done' || receipt.status === 'failed') return receipt;
      const remaining = poll.maxWaitMs - (now() - started);
      if (remaining <= 0) {
        throw new NdxpError('ndxp.receipt_pending', `receipt of ${packetId} still ${receipt.status} after ${poll.maxWaitMs} ms`, {
          retryable: true,
          operation: 'receipt',
          details: [{ path: '/status', message: receipt.status }],
        });
      }
      await sleep(Math.min(remaining, backoffDelayMs(round, poll, random)));
    }
  }

  async function pullOfficial(soDinhDanh: string, pull: PullOptions): Promise<SignedEnvelope> {
    const auth = { renewed: false };
    const request = {
      operation: 'pull' as const,
      method: 'GET' as const,
      url: url(`${paths.officials.replace(/\/+$/, '')}/${encodeURIComponent(soDinhDanh)}`),
      headers: {
        Accept: pull.accept === 'xml' ? 'application/xml' : 'application/json',
        'X-Purpose': pull.purpose ?? 'transfer-in',
        'X-Receiving-Unit': pull.receivingUnit,
      },
    };
    return withRetries(() =>
      authorised(request, (response): SignedEnvelope => {
        if (response.status !== 200) throw statusError(response, 'pull', now());
        const shape = readEnvelope(jsonBody('pull', response));
        if (!shape.ok) throw badResponse('pull', response, shape.problems);
        return shape.value;
      }, auth, pull.onAttempt),
    );
  }

  return { pushPacket, getReceipt, pollReceipt, pullOfficial, close: () => exchange.close() };
}

// The types a caller of the client needs, from one module.
export type { AttemptObserver, AttemptRecord } from './http-exchange.js';
export type { NdxpErrorCode, NdxpOperation } from './ndxp-error.js';
export type { PushReceipt, Receipt, ReceiptStatus, RecordResult, SignedEnvelope } from './receipt-shape.js';
export type { RetryBounds } from './retry-policy.js';
