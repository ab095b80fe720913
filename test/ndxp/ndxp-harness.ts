import nock from 'nock';
import type { AttemptRecord } from '../../src/ndxp/http-exchange.js';
import { createNdxpClient, type NdxpClient, type NdxpClientOptions } from '../../src/ndxp/ndxp-client.js';

/**
 * A client wired for tests: a fake clock that the injected `sleep` moves forward (so no test
 * waits for a backoff, and every requested delay is on record), a fixed jitter of 0.5, and
 * every attempt collected.
 */
export const BASE = 'http://ndxp.test';
export const CONSUMER = '000.00.00.H62';
export const T0 = Date.parse('2026-07-01T08:00:00Z');
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export interface Harness {
  client: NdxpClient;
  sleeps: number[];
  attempts: AttemptRecord[];
  clock: { now: number };
}

export function harness(overrides: Partial<NdxpClientOptions> = {}): Harness {
  const clock = { now: T0 };
  const sleeps: number[] = [];
  const attempts: AttemptRecord[] = [];
  const client = createNdxpClient({
    baseUrl: BASE,
    clientId: 'gw-h62',
    clientSecret: 's3cret',
    consumerCode: CONSUMER,
    connectTimeoutMs: 1000,
    responseTimeoutMs: 2000,
    retry: { attempts: 4, minDelayMs: 100, maxDelayMs: 1000 },
    onAttempt: (a) => attempts.push(a),
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.now += ms;
    },
    now: () => clock.now,
    random: () => 0.5,
    ...overrides,
  });
  return { client, sleeps, attempts, clock };
}

/** The token endpoint answering `token` once, for the test's credentials only. */
export function tokenReply(token: string, expiresIn = 3600): nock.Scope {
  return nock(BASE)
    .post('/oauth2/token', 'grant_type=client_credentials')
    .basicAuth({ user: 'gw-h62', pass: 's3cret' })
    .reply(200, { access_token: token, token_type: 'Bearer', expires_in: expiresIn });
}

/** Intercepts of NDXP calls made with bearer `token` and our consumer code. */
export function withToken(token: string): nock.Scope {
  return nock(BASE, {
    reqheaders: { authorization: `Bearer ${token}`, 'x-consumer-code': CONSUMER, 'x-request-id': UUID_RE },
  });
}

export async function rejectionOf(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

export function setUpNock(): void {
  beforeEach(() => nock.disableNetConnect());
  afterEach(() => {
    nock.cleanAll();
    // Other suites talk to real servers on loopback: give the network back.
    nock.enableNetConnect();
  });
}
