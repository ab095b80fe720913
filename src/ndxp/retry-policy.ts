/**
 * THE retry table of the NDXP transport (style.md §5): which outcomes are worth repeating,
 * how long to wait before the next attempt, and the bounds. Pure: no clock, no randomness of
 * its own (both are passed in), no I/O.
 *
 * Contract, "Push": `429` or `503` with `Retry-After` mean "try later, nothing was stored";
 * any other 5xx, a reset connection or a timeout mean "the outcome is unknown, repeat the same
 * packet" (idempotent by packetId). A 4xx other than 401/429 is final; 401 is
 * not in this table: the client answers it with one new token and one more try.
 */

/** Statuses that are repeated. Every 5xx counts (contract: "Any 5xx ... repeat"). */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/** Network failures that are repeated, by Node/axios error code, and the code we report. */
export const RETRYABLE_NETWORK_ERRORS: Readonly<Record<string, 'ndxp.reset' | 'ndxp.refused' | 'ndxp.timeout'>> = {
  ECONNRESET: 'ndxp.reset', // includes Node's "socket hang up"
  EPIPE: 'ndxp.reset',
  ECONNABORTED: 'ndxp.reset', // axios: the request was cut off (its own timeouts are off, see http-exchange.ts)
  ERR_STREAM_PREMATURE_CLOSE: 'ndxp.reset',
  ECONNREFUSED: 'ndxp.refused',
  ETIMEDOUT: 'ndxp.timeout',
  ESOCKETTIMEDOUT: 'ndxp.timeout',
};

/** Failures that stay where they are: a name that does not resolve, a TLS refusal... */
export function isRetryableNetworkCode(code: string | undefined): boolean {
  return code !== undefined && Object.hasOwn(RETRYABLE_NETWORK_ERRORS, code);
}

/** Bounds of one call's retries. `attempts` counts every HTTP attempt, the first included. */
export interface RetryBounds {
  attempts: number;
  minDelayMs: number;
  maxDelayMs: number;
  /**
   * The longest `Retry-After` waited for inside one call. A longer one ends the call with a
   * retryable error instead: the outbox comes back later rather than holding a sync for hours.
   */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_BOUNDS: Readonly<RetryBounds> = Object.freeze({
  attempts: 5,
  minDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
});

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"): the ceiling doubles from `minDelayMs` with each retry up to `maxDelayMs`, and the
 * delay is drawn uniformly between `minDelayMs` and that ceiling, so many gateways that failed
 * together do not come back together. `retryIndex` is 0 for the first retry.
 */
export function backoffDelayMs(
  retryIndex: number,
  bounds: Pick<RetryBounds, 'minDelayMs' | 'maxDelayMs'>,
  random: () => number,
): number {
  const min = Math.max(0, bounds.minDelayMs);
  const max = Math.max(min, bounds.maxDelayMs);
  const ceiling = Math.min(max, min * 2 ** Math.max(0, retryIndex));
  return Math.round(min + random() * (ceiling - min));
}

/**
 * `Retry-After` in milliseconds (RFC 9110 §10.2.3): either delay-seconds or an HTTP date,
 * relative to `nowMs`. A date in the past means "now" (0); anything unreadable is ignored.
 */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined; // "1.5", "-3": not a valid Retry-After
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** What failed, as the table needs to see it. */
export interface FailedAttempt {
  retryable: boolean;
  retryAfterMs?: number | undefined;
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

/**
 * Whether to try again after the failure of attempt number `retryIndex + 1`, and after how
 * long: the server's `Retry-After` when it gave one (within `maxRetryAfterMs`), else backoff.
 */
export function decideRetry(
  failure: FailedAttempt,
  retryIndex: number,
  bounds: RetryBounds,
  random: () => number,
): RetryDecision {
  if (!failure.retryable) return { retry: false };
  if (retryIndex + 1 >= bounds.attempts) return { retry: false };
  if (failure.retryAfterMs !== undefined) {
    if (failure.retryAfterMs > bounds.maxRetryAfterMs) return { retry: false };
    return { retry: true, delayMs: failure.retryAfterMs };
  }
  return { retry: true, delayMs: backoffDelayMs(retryIndex, bounds, random) };
}
