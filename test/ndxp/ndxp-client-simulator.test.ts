import { expect } from 'chai';
import type { AttemptRecord } from '../../src/ndxp/http-exchange.js';
import { createNdxpClient, type NdxpClient } from '../../src/ndxp/ndxp-client.js';
import { CLIENT, PROVINCE, envelope, packet, record, startHarness, type Harness } from '../simulator/simulator-harness.js';
import { rejectionOf } from './ndxp-harness.js';

/**
 * The client against the national simulator over real HTTP on loopback: proof that both
 * speak the same contract (token, headers, push, receipt, pull), with real signatures.
 */
describe('ndxp client against the national simulator', function () {
  this.timeout(60_000);
  let h: Harness;
  let client: NdxpClient;
  let attempts: AttemptRecord[];

  before(async () => {
    h = await startHarness();
  });

  after(async () => {
    await h?.close();
  });

  beforeEach(() => {
    attempts = [];
    client = createNdxpClient({
      baseUrl: h.sim.url,
      ...CLIENT,
      consumerCode: PROVINCE,
      connectTimeoutMs: 2000,
      responseTimeoutMs: 10_000,
      retry: { attempts: 3, minDelayMs: 10, maxDelayMs: 50 },
      onAttempt: (a) => attempts.push(a),
    });
  });

  afterEach(() => client.close());

  it('pushes a signed packet, repeats it (200), polls the receipt to done and pulls the record', async () => {
    const value = packet([record(4101), record(4102)]);
    const bytes = Buffer.from(JSON.stringify(envelope(value, h.signer)), 'utf8');

    const first = await client.pushPacket(bytes);
    expect(first).to.deep.include({ httpStatus: 202 });
    expect(first.receipt).to.include({ packetId: value.header.packetId, status: 'received' });
    const repeat = await client.pushPacket(bytes);
    expect(repeat.httpStatus).to.equal(200);
    expect(repeat.receipt.receiptId).to.equal(first.receipt.receiptId);

    const receipt = await client.pollReceipt(value.header.packetId, { maxWaitMs: 30_000, minDelayMs: 20, maxDelayMs: 200 });
    expect(receipt.status).to.equal('done');
    expect(receipt.results?.map((r) => [r.soDinhDanh, r.status])).to.deep.equal([
      ['026185004101', 'accepted'],
      ['026185004102', 'accepted'],
    ]);

    for (const accept of ['json', 'xml'] as const) {
      const pulled = await client.pullOfficial('026185004101', { receivingUnit: '000.21.33.H62', accept });
      expect(pulled.format).to.equal(accept);
      expect(pulled.signature.length).to.be.greaterThan(100);
    }
    expect(new Set(attempts.map((a) => a.requestId)).size).to.equal(attempts.length);
    expect(attempts.filter((a) => a.operation === 'token')).to.have.length(1);
  });

  it('speaks the national codes of refusals', async () => {
    expect(await rejectionOf(client.getReceipt('00000000-0000-4000-8000-000000000000'))).to.include({
      code: 'ndxp.http_404', nationalCode: 'PACKET_NOT_FOUND', retryable: false,
    });
    expect(await rejectionOf(client.pullOfficial('026185009999', { receivingUnit: '000.21.33.H62' }))).to.include({
      code: 'ndxp.http_404', nationalCode: 'RECORD_NOT_FOUND',
    });
    expect(await rejectionOf(client.pullOfficial('026185004101', { receivingUnit: '000.21.33.H62', purpose: 'curiosity' }))).to.include({
      code: 'ndxp.http_403', nationalCode: 'PURPOSE_NOT_ALLOWED', retryable: false,
    });
    const value = packet([record(4201)]);
    await client.pushPacket(Buffer.from(JSON.stringify(envelope(value, h.signer))));
    const other = packet([record(4202)]);
    other.header.packetId = value.header.packetId;
    expect(await rejectionOf(client.pushPacket(Buffer.from(JSON.stringify(envelope(other, h.signer)))))).to.include({
      code: 'ndxp.http_409', nationalCode: 'PACKET_CONFLICT', retryable: false,
    });
  });
});
