import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import nock from 'nock';
import { harness, rejectionOf, setUpNock, tokenReply, withToken } from './ndxp-harness.js';

const PACKET_ID = '7d4a3f1e-0b5c-4e8a-9c2d-1f6e5a4b3c2d';
const RECEIPT_PATH = `/csdl/v1/packets/${PACKET_ID}`;
const SO_DINH_DANH = '026185001234';
const PULL_PATH = `/csdl/v1/officials/${SO_DINH_DANH}`;
const RECEIVING_UNIT = '000.21.33.H62';

const pending = (status: string) => ({ packetId: PACKET_ID, receiptId: 'R-0001', status, receivedAt: '2026-07-01T08:00:00Z' });
const DONE = {
  ...pending('done'),
  completedAt: '2026-07-01T08:00:09Z',
  results: [
    { soDinhDanh: '026185001234', approvedAt: '2026-06-28T09:15:00+07:00', status: 'accepted' },
    { soDinhDanh: '001090004567', approvedAt: '2026-06-28T09:15:00+07:00', status: 'stale' },
    {
      soDinhDanh: '036201000890',
      approvedAt: '2026-06-29T10:00:00+07:00',
      status: 'rejected',
      errors: [{ code: 'CODE_UNKNOWN', path: '/data/danToc/ma', message: '99 is not in dan-toc' }],
    },
  ],
};

// Envelopes as the Ministry sends them; the transport does not verify, so the signature is
// only shaped like one.
const fixture = (name: string): string => readFileSync(new URL(`../fixtures/contract-examples/${name}`, import.meta.url), 'utf8');
const JSON_ENVELOPE = { format: 'json', payload: Buffer.from(fixture('official.json')).toString('base64'), signature: 'MIIGzAYJKoZIhvcNAQcCoIIGvTCC' };
const XML_ENVELOPE = { format: 'xml', payload: Buffer.from(fixture('official.xml')).toString('base64'), signature: 'MIIGzAYJKoZIhvcNAQcCoIIGvTCC' };

describe('ndxp client: receipts', () => {
  setUpNock();

  it('returns a done receipt with its per-record results', async () => {
    const { client } = harness();
    tokenReply('t1');
    withToken('t1').get(RECEIPT_PATH).reply(200, DONE);
    expect(await client.getReceipt(PACKET_ID)).to.deep.equal(DONE);
  });

  it('answers 404 with ndxp.http_404 PACKET_NOT_FOUND, not repeated', async () => {
    const { client } = harness();
    tokenReply('t1');
    withToken('t1').get(RECEIPT_PATH).reply(404, { code: 'PACKET_NOT_FOUND' });
    expect(await rejectionOf(client.getReceipt(PACKET_ID))).to.include({
      code: 'ndxp.http_404', nationalCode: 'PACKET_NOT_FOUND', retryable: false,
    });
  });

  it('refuses a receipt whose status is not one of the four, or that is for another packet', async () => {
    const { client } = harness();
    tokenReply('t1');
    withToken('t1').get(RECEIPT_PATH).reply(200, { ...pending('accepted') });
    withToken('t1').get(RECEIPT_PATH).reply(200, { ...DONE, packetId: 'other' });
    withToken('t1').get(RECEIPT_PATH).reply(200, { ...pending('done') });
    withToken('t1').get(RECEIPT_PATH).reply(200, { ...DONE, results: [{ soDinhDanh: 'x', status: 'ok' }] });
    const paths: string[][] = [];
    for (let i = 0; i < 4; i++) {
      const err = await rejectionOf(client.getReceipt(PACKET_ID));
      expect(err, `answer ${i}`).to.include({ code: 'ndxp.bad_response', retryable: false });
      paths.push((err['details'] as { path: string }[]).map((d) => d.path));
    }
    expect(paths).to.deep.equal([['/status'], ['/packetId'], ['/results'], ['/results/0/status']]);
  });

  it('polls with backoff until the receipt is done', async () => {
    const { client, sleeps } = harness();
    tokenReply('t1');
    withToken('t1').get(RECEIPT_PATH).reply(200, pending('received'));
    withToken('t1').get(RECEIPT_PATH).reply(200, pending('processing'));
    withToken('t1').get(RECEIPT_PATH).reply(200, pending('processing'));
    withToken('t1').get(RECEIPT_PATH).reply(200, DONE);
    const receipt = await client.pollReceipt(PACKET_ID, { maxWaitMs: 60_000, minDelayMs: 1000, maxDelayMs: 3000 });
    expect(receipt.status).to.equal('done');
    // jitter 0.5 between 1000 and a ceiling of 1000, 2000, 3000 (capped)
    expect(sleeps).to.deep.equal([1000, 1500, 2000]);
  });

  it('returns a failed receipt as it is', async () => {
    const { client } = harness();
    tokenReply('t1');
    const failed = { ...pending('failed'), error: { code: 'PROCESSING_ERROR', message: 'storage unavailable' } };
    withToken('t1').get(RECEIPT_PATH).reply(200, pending('processing'));
    withToken('t1').get(RECEIPT_PATH).reply(200, failed);
    expect(await client.pollReceipt(PACKET_ID, { maxWaitMs: 60_000, minDelayMs: 500, maxDelayMs: 500 })).to.deep.equal(failed);
  });

  it('gives up after maxWaitMs with a retryable ndxp.receipt_pending', async () => {
    const { client, sleeps } = harness();
    tokenReply('t1');
    withToken('t1').get(RECEIPT_PATH).times(4).reply(200, pending('processing'));
    const err = await rejectionOf(client.pollReceipt(PACKET_ID, { maxWaitMs: 2500, minDelayMs: 1000, maxDelayMs: 1000 }));
    expect(err).to.include({ code: 'ndxp.receipt_pending', retryable: true });
    expect(sleeps).to.deep.equal([1000, 1000, 500]); // the last wait ends at the deadline
    expect(nock.pendingMocks()).to.deep.equal([]);
  });

  it('repeats a receipt request after a 503 inside one poll', async () => {
    const { client, sleeps } = harness();
    tokenReply('t1');
    withToken('t1').get(RECEIPT_PATH).reply(503, '', { 'Retry-After': '3' });
    withToken('t1').get(RECEIPT_PATH).reply(200, DONE);
    expect((await client.pollReceipt(PACKET_ID, { maxWaitMs: 1000, minDelayMs: 100, maxDelayMs: 100 })).status).to.equal('done');
    expect(sleeps).to.deep.equal([3000]);
  });
});

describe('ndxp client: pull a transferee', () => {
  setUpNock();

  const pullScope = (token: string, accept: string, purpose = 'transfer-in') =>
    withToken(token)
      .matchHeader('x-purpose', purpose)
      .matchHeader('x-receiving-unit', RECEIVING_UNIT)
      .matchHeader('accept', accept)
      .get(PULL_PATH);

  it('returns a JSON envelope as received, asking for JSON by default', async () => {
    const { client, attempts } = harness();
    tokenReply('t1');
    pullScope('t1', 'application/json').reply(200, JSON_ENVELOPE);
    expect(await client.pullOfficial(SO_DINH_DANH, { receivingUnit: RECEIVING_UNIT })).to.deep.equal(JSON_ENVELOPE);
    expect(attempts.map((a) => [a.operation, a.httpStatus])).to.deep.equal([['token', 200], ['pull', 200]]);
  });

  it('asks for XML when told to and returns the XML envelope', async () => {
    const { client } = harness();
    tokenReply('t1');
    pullScope('t1', 'application/xml').reply(200, XML_ENVELOPE);
    expect(await client.pullOfficial(SO_DINH_DANH, { receivingUnit: RECEIVING_UNIT, accept: 'xml' })).to.deep.equal(XML_ENVELOPE);
  });

  it('reads an XML envelope sent when JSON was asked for (the national side may ignore Accept)', async () => {
    const { client } = harness();
    tokenReply('t1');
    pullScope('t1', 'application/json').reply(200, XML_ENVELOPE);
    expect((await client.pullOfficial(SO_DINH_DANH, { receivingUnit: RECEIVING_UNIT })).format).to.equal('xml');
  });

  it('sends another purpose when given one', async () => {
    const { client } = harness();
    tokenReply('t1');
    pullScope('t1', 'application/json', 'audit').reply(403, { code: 'PURPOSE_NOT_ALLOWED' });
    expect(await rejectionOf(client.pullOfficial(SO_DINH_DANH, { receivingUnit: RECEIVING_UNIT, purpose: 'audit' }))).to.include({
      code: 'ndxp.http_403', nationalCode: 'PURPOSE_NOT_ALLOWED', retryable: false,
    });
  });

  it('answers 404 with ndxp.http_404 RECORD_NOT_FOUND, not repeated', async () => {
    const { client, sleeps } = harness();
    tokenReply('t1');
    pullScope('t1', 'application/json').reply(404, { code: 'RECORD_NOT_FOUND' });
    expect(await rejectionOf(client.pullOfficial(SO_DINH_DANH, { receivingUnit: RECEIVING_UNIT }))).to.include({
      code: 'ndxp.http_404', nationalCode: 'RECORD_NOT_FOUND', retryable: false,
    });
    expect(sleeps).to.deep.equal([]);
  });

  it('repeats after a 429 and after a revoked token', async () => {
    const { client, sleeps } = harness();
    tokenReply('t1');
    pullScope('t1', 'application/json').reply(429, { code: 'TOO_MANY' }, { 'Retry-After': '1' });
    pullScope('t1', 'application/json').reply(401, { code: 'AUTHEN_ERROR' });
    tokenReply('t2');
    pullScope('t2', 'application/json').reply(200, JSON_ENVELOPE);
    expect(await client.pullOfficial(SO_DINH_DANH, { receivingUnit: RECEIVING_UNIT })).to.deep.equal(JSON_ENVELOPE);
    expect(sleeps).to.deep.equal([1000]);
  });

  it('calls an answer that is not an envelope ndxp.bad_response, not repeated', async () => {
    const { client } = harness();
    tokenReply('t1');
    pullScope('t1', 'application/json').reply(200, { format: 'pdf', payload: 'x' });
    const err = await rejectionOf(client.pullOfficial(SO_DINH_DANH, { receivingUnit: RECEIVING_UNIT }));
    expect(err).to.include({ code: 'ndxp.bad_response', retryable: false });
    expect((err['details'] as { path: string }[]).map((d) => d.path).sort()).to.deep.equal(['/format', '/payload', '/signature']);
  });
});
