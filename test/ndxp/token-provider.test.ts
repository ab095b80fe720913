import { expect } from 'chai';
import nock from 'nock';
import { createHttpExchange, type AttemptRecord, type HttpExchange } from '../../src/ndxp/http-exchange.js';
import { NdxpError } from '../../src/ndxp/ndxp-error.js';
import { createTokenCache, requestToken, type IssuedToken } from '../../src/ndxp/token-provider.js';

const T0 = Date.parse('2026-07-01T08:00:00Z');

function fakeIssuer(lifetimesS: number[]) {
  const state = { calls: 0, now: T0 };
  const pending: ((token: IssuedToken) => void)[] = [];
  return {
    state,
    pending,
    fetchNow: async (): Promise<IssuedToken> => {
      state.calls++;
      return { accessToken: `t${state.calls}`, expiresInMs: (lifetimesS[state.calls - 1] ?? 3600) * 1000 };
    },
    fetchLater: (): Promise<IssuedToken> => {
      state.calls++;
      return new Promise((resolve) => pending.push(resolve));
    },
  };
}

describe('ndxp: token cache', () => {
  it('keeps a token until 60 s before expires_in, then fetches a new one', async () => {
    const issuer = fakeIssuer([3600, 3600]);
    const cache = createTokenCache({ fetchToken: issuer.fetchNow, now: () => issuer.state.now });
    expect(await cache.getToken()).to.equal('t1');
    issuer.state.now = T0 + 3539_000;
    expect(await cache.getToken()).to.equal('t1');
    expect(issuer.state.calls).to.equal(1);
    issuer.state.now = T0 + 3540_000;
    expect(await cache.getToken()).to.equal('t2');
    expect(issuer.state.calls).to.equal(2);
  });

  it('uses a token that lives less than the margin for half its life', async () => {
    const issuer = fakeIssuer([30, 30]);
    const cache = createTokenCache({ fetchToken: issuer.fetchNow, now: () => issuer.state.now });
    await cache.getToken();
    issuer.state.now = T0 + 14_999;
    expect(await cache.getToken()).to.equal('t1');
    issuer.state.now = T0 + 15_000;
    expect(await cache.getToken()).to.equal('t2');
  });

  it('lets concurrent callers share one fetch', async () => {
    const issuer = fakeIssuer([]);
    const cache = createTokenCache({ fetchToken: issuer.fetchLater, now: () => issuer.state.now });
    const waiting = [cache.getToken(), cache.getToken(), cache.getToken()];
    expect(issuer.state.calls).to.equal(1);
    issuer.pending[0]?.({ accessToken: 'shared', expiresInMs: 3600_000 });
    expect(await Promise.all(waiting)).to.deep.equal(['shared', 'shared', 'shared']);
    expect(await cache.getToken()).to.equal('shared');
    expect(issuer.state.calls).to.equal(1);
  });

  it('does not keep a failed fetch: the next caller tries again', async () => {
    let calls = 0;
    const cache = createTokenCache({
      fetchToken: async () => {
        calls++;
        if (calls === 1) throw new Error('token endpoint down');
        return { accessToken: 'after', expiresInMs: 3600_000 };
      },
      now: () => T0,
    });
    let failure: unknown;
    await cache.getToken().catch((err: unknown) => (failure = err));
    expect((failure as Error).message).to.equal('token endpoint down');
    expect(await cache.getToken()).to.equal('after');
  });

  it('invalidate(token) drops that token only, not a newer one', async () => {
    const issuer = fakeIssuer([]);
    const cache = createTokenCache({ fetchToken: issuer.fetchNow, now: () => issuer.state.now });
    expect(await cache.getToken()).to.equal('t1');
    cache.invalidate('t1');
    expect(await cache.getToken()).to.equal('t2');
    cache.invalidate('t1'); // a late 401 for the revoked token
    expect(await cache.getToken()).to.equal('t2');
    cache.invalidate();
    expect(await cache.getToken()).to.equal('t3');
  });
});

describe('ndxp: token request (client credentials)', () => {
  const BASE = 'http://ndxp.token.test';
  let exchange: HttpExchange;
  let attempts: AttemptRecord[];

  beforeEach(() => {
    nock.disableNetConnect();
    attempts = [];
    exchange = createHttpExchange({ connectTimeoutMs: 1000, responseTimeoutMs: 2000, onAttempt: (a) => attempts.push(a), now: () => T0 });
  });

  afterEach(() => {
    exchange.close();
    nock.cleanAll();
    nock.enableNetConnect();
  });

  const endpoint = () => ({ exchange, url: `${BASE}/oauth2/token`, clientId: 'gw-h62', clientSecret: 's3cret', now: () => T0 });

  it('posts grant_type=client_credentials as a form with HTTP Basic credentials', async () => {
    const scope = nock(BASE)
      .post('/oauth2/token', 'grant_type=client_credentials')
      .basicAuth({ user: 'gw-h62', pass: 's3cret' })
      .matchHeader('content-type', 'application/x-www-form-urlencoded')
      .reply(200, { access_token: 'abc', token_type: 'Bearer', expires_in: 3600 });
    expect(await requestToken(endpoint())).to.deep.equal({ accessToken: 'abc', expiresInMs: 3600_000 });
    expect(scope.isDone()).to.equal(true);
    expect(attempts).to.have.length(1);
    expect(attempts[0]).to.include({ operation: 'token', httpStatus: 200 });
  });

  it('refuses wrong credentials with ndxp.auth_failed, not retryable', async () => {
    nock(BASE).post('/oauth2/token').reply(401, { code: 'AUTHEN_ERROR', message: 'bad client' });
    const err = await requestToken(endpoint()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(NdxpError);
    expect(err).to.include({ code: 'ndxp.auth_failed', retryable: false, httpStatus: 401, nationalCode: 'AUTHEN_ERROR' });
    expect(attempts[0]).to.include({ httpStatus: 401, nationalCode: 'AUTHEN_ERROR' });
    expect(attempts[0]?.error).to.match(/^ndxp\.auth_failed/);
  });

  it('calls an answer without access_token or expires_in ndxp.bad_response', async () => {
    nock(BASE).post('/oauth2/token').reply(200, { token_type: 'Bearer', expires_in: 3600 });
    nock(BASE).post('/oauth2/token').reply(200, { access_token: 'x', token_type: 'Bearer' });
    nock(BASE).post('/oauth2/token').reply(200, { access_token: 'x', token_type: 'MAC', expires_in: 60 });
    for (let i = 0; i < 3; i++) {
      const err = await requestToken(endpoint()).then(() => undefined, (e: unknown) => e);
      expect(err, `answer ${i}`).to.include({ code: 'ndxp.bad_response' });
    }
  });

  it('reports a 503 of the token endpoint as retryable ndxp.http_503', async () => {
    nock(BASE).post('/oauth2/token').reply(503, { code: 'UNAVAILABLE' }, { 'Retry-After': '3' });
    const err = await requestToken(endpoint()).then(() => undefined, (e: unknown) => e);
    expect(err).to.include({ code: 'ndxp.http_503', retryable: true, retryAfterMs: 3000 });
  });
});
