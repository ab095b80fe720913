import { expect } from 'chai';
import nock from 'nock';
import type { AttemptRecord } from '../../src/ndxp/ndxp-client.js';
import { NdxpError } from '../../src/ndxp/ndxp-error.js';
import { BASE, UUID_RE, harness, rejectionOf, setUpNock, tokenReply, withToken } from './ndxp-harness.js';

const PATH = '/csdl/v1/packets';
const PACKET_ID = '7d4a3f1e-0b5c-4e8a-9c2d-1f6e5a4b3c2d';
const RECEIVED = { packetId: PACKET_ID, receiptId: 'R-0001', status: 'received' };
const ENVELOPE = Buffer.from('{"format":"json","payload":"eyJoZWFkZXIiOnt9fQ==","signature":"MIIB"}', 'utf8');

function resetError(): Error {
  // nock 14 needs a real Error here: a plain object never reaches the client (nock#2789).
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

describe('ndxp client: pushPacket', () => {
  setUpNock();

  it('posts the envelope as JSON and returns the 202 receipt', async () => {
    const { client, attempts } = harness();
    tokenReply('t1');
    const push = withToken('t1').matchHeader('content-type', 'application/json').post(PATH).reply(202, RECEIVED);
    expect(await client.pushPacket(ENVELOPE)).to.deep.equal({ httpStatus: 202, receipt: RECEIVED });
    expect(push.isDone()).to.equal(true);
    expect(attempts.map((a) => [a.operation, a.httpStatus])).to.deep.equal([['token', 200], ['push', 202]]);
  });

  it('hands each call its own attempts, token fetch included, while the client observer sees all', async () => {
    const { client, attempts } = harness();
    tokenReply('t1');
    withToken('t1').post(PATH).reply(503, { code: 'SERVICE_UNAVAILABLE', message: 'busy' });
    withToken('t1').post(PATH).times(2).reply(202, RECEIVED);
    const first: AttemptRecord[] = [];
    const second: AttemptRecord[] = [];
    await Promise.all([
      client.pushPacket(ENVELOPE, { onAttempt: (a) => first.push(a) }),
      client.pushPacket(ENVELOPE, { onAttempt: (a) => second.push(a) }),
    ]);
    const ids = (list: AttemptRecord[]) => list.map((a) => a.requestId);
    expect(ids(first).filter((id) => ids(second).includes(id))).to.deep.equal([]);
    expect([...ids(first), ...ids(second)].sort()).to.deep.equal(ids(attempts).sort());
    // One token fetch, shared: the call that started it carries its attempt.
    expect([...first, ...second].filter((a) => a.operation === 'token')).to.have.length(1);
    expect([...first, ...second].filter((a) => a.operation === 'push').map((a) => a.httpStatus).sort()).to.deep.equal([202, 202, 503]);
  });

  it('returns 200 for a repeat of a packet already received', async () => {
    const { client } = harness();
    tokenReply('t1');
    withToken('t1').post(PATH).reply(200, RECEIVED);
    expect((await client.pushPacket(ENVELOPE)).httpStatus).to.equal(200);
  });

  it('keeps the token across calls and fetches a new one when it is about to expire', async () => {
    const { client, clock, attempts } = harness();
    tokenReply('t1', 3600);
    withToken('t1').post(PATH).times(2).reply(202, RECEIVED);
    await client.pushPacket(ENVELOPE);
    clock.now += 3000_000;
    await client.pushPacket(ENVELOPE);
    clock.now += 600_000; // 3600 s after the first token: within its last minute
    tokenReply('t2', 3600);
    const late = withToken('t2').post(PATH).reply(202, RECEIVED);
    await client.pushPacket(ENVELOPE);
    expect(late.isDone()).to.equal(true);
    expect(attempts.map((a) => a.operation)).to.deep.equal(['token', 'push', 'push', 'token', 'push']);
  });

  it('answers a 401 with one new token and one more try, outside the backoff', async () => {
    const { client, sleeps, attempts } = harness();
    tokenReply('t1');
    withToken('t1').post(PATH).reply(401, { code: 'AUTHEN_ERROR', message: 'revoked' });
    tokenReply('t2');
    withToken('t2').post(PATH).reply(202, RECEIVED);
    expect((await client.pushPacket(ENVELOPE)).httpStatus).to.equal(202);
    expect(sleeps).to.deep.equal([]);
    expect(attempts.map((a) => [a.operation, a.httpStatus])).to.deep.equal([
      ['token', 200], ['push', 401], ['token', 200], ['push', 202],
    ]);
  });

  it('gives up with ndxp.http_401 when the new token is refused too', async () => {
    const { client } = harness();
    tokenReply('t1');
    withToken('t1').post(PATH).reply(401, { code: 'AUTHEN_ERROR' });
    tokenReply('t2');
    withToken('t2').post(PATH).reply(401, { code: 'AUTHEN_ERROR' });
    const err = await rejectionOf(client.pushPacket(ENVELOPE));
    expect(err).to.include({ code: 'ndxp.http_401', retryable: false, nationalCode: 'AUTHEN_ERROR' });
    expect(nock.pendingMocks()).to.deep.equal([]);
  });

  for (const status of [503, 429]) {
    it(`waits the Retry-After of a ${status} (2 s) and tries again`, async () => {
      const { client, sleeps } = harness();
      tokenReply('t1');
      withToken('t1').post(PATH).reply(status, { code: 'BUSY' }, { 'Retry-After': '2' });
      withToken('t1').post(PATH).reply(202, RECEIVED);
      expect((await client.pushPacket(ENVELOPE)).httpStatus).to.equal(202);
      expect(sleeps).to.deep.equal([2000]);
    });
  }

  it('reads a Retry-After given as an HTTP date', async () => {
    const { client, sleeps } = harness();
    tokenReply('t1');
    withToken('t1').post(PATH).reply(503, '', { 'Retry-After': 'Wed, 01 Jul 2026 08:00:07 GMT' });
    withToken('t1').post(PATH).reply(202, RECEIVED);
    await client.pushPacket(ENVELOPE);
    expect(sleeps).to.deep.equal([7000]);
  });

  it('gives up after the attempts on repeated 500s, retryable, with backoff between them', async () => {
    const { client, sleeps, attempts } = harness();
    tokenReply('t1');
    withToken('t1').post(PATH).times(4).reply(500, { code: 'INTERNAL' });
    const err = await rejectionOf(client.pushPacket(ENVELOPE));
    expect(err).to.be.instanceOf(NdxpError);
    expect(err).to.include({ code: 'ndxp.http_500', retryable: true, httpStatus: 500 });
    // jitter 0.5 between 100 and a ceiling of 100, 200, 400 (min 100, doubling, max 1000)
    expect(sleeps).to.deep.equal([100, 150, 250]);
    expect(attempts.filter((a) => a.operation === 'push')).to.have.length(4);
    expect(nock.pendingMocks()).to.deep.equal([]);
  });

  it('repeats after a reset connection', async () => {
    const { client, sleeps, attempts } = harness();
    tokenReply('t1');
    withToken('t1').post(PATH).replyWithError(resetError());
    withToken('t1').post(PATH).reply(202, RECEIVED);
    expect((await client.pushPacket(ENVELOPE)).httpStatus).to.equal(202);
    expect(sleeps).to.deep.equal([100]);
    expect(attempts[1]?.error).to.match(/^ndxp\.reset/);
    expect(attempts[1]?.httpStatus).to.equal(undefined);
  });

  it('gives up on resets with a retryable ndxp.reset', async () => {
    const { client } = harness({ retry: { attempts: 2, minDelayMs: 100, maxDelayMs: 1000 } });
    tokenReply('t1');
    withToken('t1').post(PATH).times(2).replyWithError(resetError());
    expect(await rejectionOf(client.pushPacket(ENVELOPE))).to.include({ code: 'ndxp.reset', retryable: true });
  });

  it('cuts an answer slower than the response timeout (ndxp.timeout) and repeats', async () => {
    const { client, attempts } = harness({ responseTimeoutMs: 50, retry: { attempts: 2, minDelayMs: 100, maxDelayMs: 1000 } });
    tokenReply('t1');
    withToken('t1').post(PATH).delay(2000).reply(202, RECEIVED);
    withToken('t1').post(PATH).reply(202, RECEIVED);
    expect((await client.pushPacket(ENVELOPE)).httpStatus).to.equal(202);
    expect(attempts[1]?.error).to.match(/^ndxp\.timeout/);
  });

  it('gives up on timeouts with a retryable ndxp.timeout', async () => {
    const { client } = harness({ responseTimeoutMs: 50, retry: { attempts: 2, minDelayMs: 100, maxDelayMs: 1000 } });
    tokenReply('t1');
    withToken('t1').post(PATH).times(2).delay(2000).reply(202, RECEIVED);
    expect(await rejectionOf(client.pushPacket(ENVELOPE))).to.include({ code: 'ndxp.timeout', retryable: true });
  });

  it('does not repeat a 409 PACKET_CONFLICT', async () => {
    const { client, sleeps } = harness();
    tokenReply('t1');
    withToken('t1').post(PATH).reply(409, { code: 'PACKET_CONFLICT', message: 'same packetId, other bytes' });
    const err = await rejectionOf(client.pushPacket(ENVELOPE));
    expect(err).to.include({ code: 'ndxp.http_409', retryable: false, httpStatus: 409, nationalCode: 'PACKET_CONFLICT' });
    expect(sleeps).to.deep.equal([]);
  });

  it('carries the errors of a 400 SCHEMA_INVALID as details, not repeated', async () => {
    const { client } = harness();
    tokenReply('t1');
    const errors = [
      { path: '/header/recordCount', message: 'must equal the number of records (2)' },
      { path: '/records/1/data/ngaySinh', message: 'must match format "date"' },
    ];
    withToken('t1').post(PATH).reply(400, { code: 'SCHEMA_INVALID', message: 'packet invalid', errors });
    const err = await rejectionOf(client.pushPacket(ENVELOPE));
    expect(err).to.include({ code: 'ndxp.http_400', retryable: false, nationalCode: 'SCHEMA_INVALID' });
    expect(err['details']).to.deep.equal(errors);
  });

  it('does not repeat a 403 SIGNATURE_INVALID or a 413 PACKET_TOO_LARGE', async () => {
    const { client } = harness();
    tokenReply('t1');
    withToken('t1').post(PATH).reply(403, { code: 'SIGNATURE_INVALID' });
    withToken('t1').post(PATH).reply(413, { code: 'PACKET_TOO_LARGE' });
    expect(await rejectionOf(client.pushPacket(ENVELOPE))).to.include({ code: 'ndxp.http_403', nationalCode: 'SIGNATURE_INVALID', retryable: false });
    expect(await rejectionOf(client.pushPacket(ENVELOPE))).to.include({ code: 'ndxp.http_413', nationalCode: 'PACKET_TOO_LARGE', retryable: false });
  });

  it('calls a non-JSON answer ndxp.bad_response and repeats the push, which may have been stored', async () => {
    const { client, attempts } = harness();
    tokenReply('t1');
    withToken('t1').post(PATH).reply(202, '<html>gateway</html>', { 'Content-Type': 'text/html' });
    withToken('t1').post(PATH).reply(200, RECEIVED);
    expect(await client.pushPacket(ENVELOPE)).to.deep.equal({ httpStatus: 200, receipt: RECEIVED });
    expect(attempts[1]).to.include({ httpStatus: 202 });
    expect(attempts[1]?.error).to.match(/^ndxp\.bad_response/);
  });

  it('names the missing fields of an answer and stays retryable when every attempt is malformed', async () => {
    const { client } = harness({ retry: { attempts: 2, minDelayMs: 100, maxDelayMs: 1000 } });
    tokenReply('t1');
    withToken('t1').post(PATH).times(2).reply(202, { packetId: PACKET_ID, status: 'accepted' });
    const err = await rejectionOf(client.pushPacket(ENVELOPE));
    expect(err).to.include({ code: 'ndxp.bad_response', retryable: true });
    expect((err['details'] as { path: string }[]).map((d) => d.path)).to.deep.equal(['/receiptId', '/status']);
  });

  it('reports every attempt with its status, national code and the X-Request-Id it sent', async () => {
    const { client, attempts } = harness();
    const seenIds: string[] = [];
    const record = function (this: { req: { headers: Record<string, string> } }): void {
      seenIds.push(this.req.headers['x-request-id'] ?? '');
    };
    nock(BASE).post('/oauth2/token').reply(function () {
      record.call(this);
      return [200, { access_token: 't1', token_type: 'Bearer', expires_in: 3600 }];
    });
    withToken('t1').post(PATH).reply(function () {
      record.call(this);
      return [503, { code: 'UNAVAILABLE' }, { 'Retry-After': '1' }];
    });
    withToken('t1').post(PATH).reply(function () {
      record.call(this);
      return [202, RECEIVED];
    });
    await client.pushPacket(ENVELOPE);
    expect(attempts.map((a) => [a.operation, a.httpStatus, a.nationalCode])).to.deep.equal([
      ['token', 200, undefined], ['push', 503, 'UNAVAILABLE'], ['push', 202, undefined],
    ]);
    expect(attempts.map((a) => a.requestId)).to.deep.equal(seenIds);
    expect(new Set(seenIds).size).to.equal(3);
    for (const a of attempts) {
      expect(a.requestId).to.match(UUID_RE);
      expect(a.startedAt).to.be.instanceOf(Date);
      expect(a.durationMs).to.be.a('number').at.least(0);
    }
    expect(attempts[1]?.error).to.match(/^ndxp\.http_503/);
    expect(attempts[2]?.error).to.equal(undefined);
  });
});
