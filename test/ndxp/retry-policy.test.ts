import { expect } from 'chai';
import {
  backoffDelayMs,
  decideRetry,
  isRetryableNetworkCode,
  isRetryableStatus,
  parseRetryAfterMs,
  type RetryBounds,
} from '../../src/ndxp/retry-policy.js';

const BOUNDS: RetryBounds = { attempts: 4, minDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 60_000 };
const NOW = Date.parse('2026-07-01T00:00:00Z');
const ALMOST_ONE = 0.999_999_999;

describe('ndxp: the retry table', () => {
  it('repeats 429 and every 5xx, and no other status (contract, "Push")', () => {
    for (const status of [429, 500, 502, 503, 504, 599]) expect(isRetryableStatus(status), String(status)).to.equal(true);
    for (const status of [200, 202, 400, 401, 403, 404, 409, 413]) expect(isRetryableStatus(status), String(status)).to.equal(false);
  });

  it('repeats resets, refusals and timeouts, not DNS or TLS failures', () => {
    for (const code of ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']) expect(isRetryableNetworkCode(code), code).to.equal(true);
    for (const code of ['ENOTFOUND', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', undefined]) {
      expect(isRetryableNetworkCode(code), String(code)).to.equal(false);
    }
    // not inherited object keys
    expect(isRetryableNetworkCode('toString')).to.equal(false);
  });

  describe('Retry-After', () => {
    it('reads delay-seconds', () => {
      expect(parseRetryAfterMs('2', NOW)).to.equal(2000);
      expect(parseRetryAfterMs(' 120 ', NOW)).to.equal(120_000);
      expect(parseRetryAfterMs('0', NOW)).to.equal(0);
    });

    it('reads an HTTP date relative to now, and a past date as now', () => {
      expect(parseRetryAfterMs('Wed, 01 Jul 2026 00:00:05 GMT', NOW)).to.equal(5000);
      expect(parseRetryAfterMs('Tue, 30 Jun 2026 23:59:00 GMT', NOW)).to.equal(0);
    });

    it('ignores what is neither', () => {
      for (const value of [undefined, '', 'soon', '-1', '1.5', '2 seconds']) {
        expect(parseRetryAfterMs(value, NOW), String(value)).to.equal(undefined);
      }
    });
  });

  describe('backoff with full jitter', () => {
    it('never waits less than the minimum', () => {
      for (let i = 0; i < 8; i++) expect(backoffDelayMs(i, BOUNDS, () => 0)).to.equal(100);
    });

    it('doubles its ceiling with each retry up to the maximum', () => {
      const ceilings = [0, 1, 2, 3, 4, 5].map((i) => backoffDelayMs(i, BOUNDS, () => ALMOST_ONE));
      expect(ceilings).to.deep.equal([100, 200, 400, 800, 1000, 1000]);
    });

    it('draws uniformly between the minimum and the ceiling', () => {
      expect(backoffDelayMs(2, BOUNDS, () => 0.5)).to.equal(250); // 100 + 0.5 * (400 - 100)
      expect(backoffDelayMs(3, BOUNDS, () => 0.25)).to.equal(275); // 100 + 0.25 * (800 - 100)
    });
  });

  describe('decideRetry', () => {
    it('does not repeat what is not retryable', () => {
      expect(decideRetry({ retryable: false }, 0, BOUNDS, () => 0.5)).to.deep.equal({ retry: false });
    });

    it('stops when the attempts are used up (attempts count the first one)', () => {
      expect(decideRetry({ retryable: true }, 2, BOUNDS, () => 0)).to.deep.equal({ retry: true, delayMs: 100 });
      expect(decideRetry({ retryable: true }, 3, BOUNDS, () => 0)).to.deep.equal({ retry: false });
    });

    it('waits exactly what Retry-After asks, whatever the jitter', () => {
      expect(decideRetry({ retryable: true, retryAfterMs: 2000 }, 0, BOUNDS, () => 0.9)).to.deep.equal({ retry: true, delayMs: 2000 });
      expect(decideRetry({ retryable: true, retryAfterMs: 0 }, 1, BOUNDS, () => 0.9)).to.deep.equal({ retry: true, delayMs: 0 });
    });

    it('gives the call up, still retryable, when Retry-After is beyond its bound', () => {
      expect(decideRetry({ retryable: true, retryAfterMs: 60_001 }, 0, BOUNDS, () => 0)).to.deep.equal({ retry: false });
    });
  });
});
