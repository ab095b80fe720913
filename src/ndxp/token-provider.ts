import type { AttemptObserver, ExchangeResponse, HttpExchange } from './http-exchange.js';
import { isObject, parseJson, statusError } from './http-exchange.js';
import { NdxpError } from './ndxp-error.js';

/**
 * OAuth2 client-credentials tokens for NDXP (contract, "Transport and authentication"):
 * `POST {base}/oauth2/token`, form body `grant_type=client_credentials`, HTTP Basic
 * `client_id:client_secret`, answer `{access_token, token_type: "Bearer", expires_in}`.
 * A token is kept until `refreshMarginMs` before it expires, so a call never starts with a
 * token about to lapse; callers that ask while a fetch is under way share that fetch.
 */

export interface IssuedToken {
  accessToken: string;
  expiresInMs: number;
}

export interface TokenProvider {
  /**
   * A valid token, from the cache or freshly fetched. A fetch this call starts reports its
   * attempt to `onAttempt`; a caller sharing a fetch already under way is not told of it.
   */
  getToken(onAttempt?: AttemptObserver): Promise<string>;
  /**
   * Forget `token` after the national side answered 401 to it (revoked before it expired).
   * Only that token: a caller late with its 401 must not throw away the fresh one.
   */
  invalidate(token?: string): void;
}

export interface TokenCacheOptions {
  fetchToken: (onAttempt?: AttemptObserver) => Promise<IssuedToken>;
  now: () => number;
  /** Renew this long before `expires_in` runs out (default 60 s). */
  refreshMarginMs?: number;
}

export const DEFAULT_TOKEN_REFRESH_MARGIN_MS = 60_000;

export function createTokenCache(options: TokenCacheOptions): TokenProvider {
  const margin = options.refreshMarginMs ?? DEFAULT_TOKEN_REFRESH_MARGIN_MS;
  let cached: { token: string; renewAt: number } | undefined;
  let inFlight: Promise<string> | undefined;

  async function fetchAndCache(onAttempt?: AttemptObserver): Promise<string> {
    const issued = await options.fetchToken(onAttempt);
    // A token shorter-lived than the margin is still used, for half its life.
    const lifetime = issued.expiresInMs > margin ? issued.expiresInMs - margin : issued.expiresInMs / 2;
    cached = { token: issued.accessToken, renewAt: options.now() + lifetime };
    return issued.accessToken;
  }

  return {
    getToken(onAttempt) {
      if (cached !== undefined && options.now() < cached.renewAt) return Promise.resolve(cached.token);
      inFlight ??= fetchAndCache(onAttempt).finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    invalidate(token) {
      if (cached !== undefined && (token === undefined || token === cached.token)) cached = undefined;
    },
  };
}

export interface TokenEndpoint {
  exchange: HttpExchange;
  url: string;
  clientId: string;
  clientSecret: string;
  now: () => number;
}

/** One request to the token endpoint (no retries here: the calling operation retries). */
export async function requestToken(endpoint: TokenEndpoint, onAttempt?: AttemptObserver): Promise<IssuedToken> {
  // RFC 6749 §2.3.1: client id and secret are form-urlencoded before going into Basic auth.
  const basic = Buffer.from(
    `${encodeURIComponent(endpoint.clientId)}:${encodeURIComponent(endpoint.clientSecret)}`,
  ).toString('base64');
  return endpoint.exchange.send(
    {
      operation: 'token',
      method: 'POST',
      url: endpoint.url,
      headers: {
        Authorization: `Basic ${basic}`,
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      },
      body: Buffer.from('grant_type=client_credentials', 'utf8'),
    },
    (response) => readTokenAnswer(response, endpoint.now()),
    onAttempt,
  );
}

function readTokenAnswer(response: ExchangeResponse, now: number): IssuedToken {
  if (response.status === 400 || response.status === 401 || response.status === 403) {
    // Wrong or disabled credentials: no repeat will fix them, a person must (RFC 6749 §5.2).
    const refused = statusError(response, 'token', now);
    throw new NdxpError('ndxp.auth_failed', `the token endpoint refused the client credentials (${refused.message})`, {
      retryable: false,
      httpStatus: response.status,
      operation: 'token',
      requestId: response.requestId,
      ...(refused.nationalCode === undefined ? {} : { nationalCode: refused.nationalCode }),
    });
  }
  if (response.status !== 200) throw statusError(response, 'token', now);
  const body = parseJson(response.body);
  const accessToken = isObject(body) ? body['access_token'] : undefined;
  const expiresIn = isObject(body) ? body['expires_in'] : undefined;
  const tokenType = isObject(body) ? body['token_type'] : undefined;
  if (
    typeof accessToken !== 'string' || accessToken === '' ||
    typeof expiresIn !== 'number' || !(expiresIn > 0) ||
    (tokenType !== undefined && (typeof tokenType !== 'string' || tokenType.toLowerCase() !== 'bearer'))
  ) {
    throw new NdxpError('ndxp.bad_response', 'token: the answer is not {access_token, token_type: "Bearer", expires_in > 0}', {
      retryable: true,
      httpStatus: response.status,
      operation: 'token',
      requestId: response.requestId,
    });
  }
  return { accessToken, expiresInMs: expiresIn * 1000 };
}

export function createTokenProvider(endpoint: TokenEndpoint, refreshMarginMs?: number): TokenProvider {
  return createTokenCache({
    fetchToken: (onAttempt) => requestToken(endpoint, onAttempt),
    now: endpoint.now,
    ...(refreshMarginMs === undefined ? {} : { refreshMarginMs }),
  });
}
