import { expect } from 'chai';
import { createCmsSigner } from '../../src/signing/cms-signer.js';
import { startSimulator } from '../../src/simulator/simulator-server.js';
import { makeCa, makeLeaf, identityOf } from '../signing/pki-fixture.js';
import {
  CLIENT, envelope, OTHER_CLIENT, OTHER_PROVINCE, packet, PROVINCE, pushAndSettle, readyClient, record, startHarness,
  type ContractClient, type Harness,
} from './simulator-harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
describe('simulator: push and receipts (contract README, "Push", "Receipt")', function () {
  this.timeout(60_000);
  let h: Harness;
  let client: ContractClient;

  before(async function () {
    h = await startHarness();
    client = await readyClient(h.sim.url);
  });
  after(async function () {
    await h?.close();
  });

  it('answers a valid packet 202 received, then a done receipt with every record accepted', async function () {
    const p = packet([record(1), record(2)]);
    const r = await client.push(envelope(p, h.signer));
    expect(r.status).to.equal(202);
    expect(r.body).to.include({ packetId: p.header.packetId, status: 'received' });
    expect(r.body.receiptId).to.be.a('string');
    await h.sim.simulator.drain();
    const receipt = await client.receipt(p.header.packetId);
    expect(receipt.status).to.equal(200);
    expect(receipt.body).to.include({ packetId: p.header.packetId, receiptId: r.body.receiptId, status: 'done' });
    expect(receipt.body.results).to.deep.equal([
      { soDinhDanh: '026185000001', approvedAt: '2026-05-27T15:12:00+07:00', status: 'accepted' },
      { soDinhDanh: '026185000002', approvedAt: '2026-05-27T15:12:00+07:00', status: 'accepted' },
    ]);
  });

  it('echoes X-Request-Id on every answer', async function () {
    const r = await fetch(`${h.sim.url}/csdl/v1/packets/nope`, { headers: { 'x-request-id': 'req-42' } });
    expect(r.status).to.equal(401);
    expect(r.headers.get('x-request-id')).to.equal('req-42');
  });

  it('answers the same packetId and bytes again with 200 and the first acknowledgement, storing nothing twice', async function () {
    const p = packet([record(10)]);
    const env = envelope(p, h.signer);
    const first = await client.push(env);
    const again = await client.push(env);
    expect(first.status).to.equal(202);
    expect(again.status).to.equal(200);
    expect(again.body).to.deep.equal(first.body);
    await h.sim.simulator.drain();
    const history = await fetch(`${h.sim.url}/_sim/ledger/officials/026185000010`).then((r) => r.json()) as any;
    expect(history.acceptances).to.have.length(1);
  });

  it('answers 200 for a repeat that was re-signed, as idempotency compares the payload bytes', async function () {
    const p = packet([record(11)]);
    const first = await client.push(envelope(p, h.signer));
    const resigned = await client.push(envelope(p, createCmsSigner(h.pki.province, () => new Date(Date.now() - 1000))));
    expect([first.status, resigned.status]).to.deep.equal([202, 200]);
  });

  it('answers 409 PACKET_CONFLICT for the same packetId with other bytes', async function () {
    const p = packet([record(12)]);
    expect((await client.push(envelope(p, h.signer))).status).to.equal(202);
    p.records[0].approvedAt = '2026-05-28T10:00:00+07:00';
    const r = await client.push(envelope(p, h.signer));
    expect(r.status).to.equal(409);
    expect(r.body.code).to.equal('PACKET_CONFLICT');
  });

  it('answers 403 SIGNATURE_INVALID when the payload was changed after signing', async function () {
    const env = envelope(packet([record(20)]), h.signer);
    const tampered = packet([record(21)]);
    const r = await client.push({ ...env, payload: Buffer.from(JSON.stringify(tampered)).toString('base64') });
    expect(r.status).to.equal(403);
    expect(r.body.code).to.equal('SIGNATURE_INVALID');
  });

  it('answers 403 CERT_NOT_TRUSTED for a signer outside the trust anchors', async function () {
    const stranger = makeLeaf(makeCa('Stranger CA'), { ou: PROVINCE });
    const r = await client.push(envelope(packet([record(22)]), createCmsSigner(identityOf(stranger))));
    expect(r.status).to.equal(403);
    expect(r.body.code).to.equal('CERT_NOT_TRUSTED');
  });

  it('answers 403 AGENCY_ID_INCORRECT when the signer OU is not the sender', async function () {
    const r = await client.push(envelope(packet([record(23)]), createCmsSigner(h.pki.ministry)));
    expect(r.status).to.equal(403);
    expect(r.body.code).to.equal('AGENCY_ID_INCORRECT');
  });

  it('answers 403 AGENCY_ID_INCORRECT when X-Consumer-Code is not the token client agency', async function () {
    const r = await client.push(envelope(packet([record(24)]), h.signer), { 'x-consumer-code': OTHER_PROVINCE });
    expect(r.status).to.equal(403);
    expect(r.body.code).to.equal('AGENCY_ID_INCORRECT');
  });

  it('answers 400 SCHEMA_INVALID when header.sender is not X-Consumer-Code', async function () {
    const r = await client.push(envelope(packet([record(25)], OTHER_PROVINCE), h.signer));
    expect(r.status).to.equal(400);
    expect(r.body.code).to.equal('SCHEMA_INVALID');
    expect(r.body.errors.map((e: any) => e.path)).to.deep.equal(['/header/sender']);
  });

  it('answers 400 SCHEMA_INVALID when recordCount is not the number of records, and stores nothing', async function () {
    const p = packet([record(26), record(27)]);
    p.header.recordCount = 3;
    const r = await client.push(envelope(p, h.signer));
    expect(r.status).to.equal(400);
    expect(r.body).to.include({ code: 'SCHEMA_INVALID' });
    expect(r.body.errors.map((e: any) => e.path)).to.deep.equal(['/header/recordCount']);
    expect((await client.receipt(p.header.packetId)).body.code).to.equal('PACKET_NOT_FOUND');
  });

  it('answers 400 BAD_ENVELOPE for a body that is not an envelope', async function () {
    const notJson = await client.push('{not json');
    expect([notJson.status, notJson.body.code]).to.deep.equal([400, 'BAD_ENVELOPE']);
    const extra = await client.push({ ...envelope(packet([record(28)]), h.signer), note: 'x' });
    expect([extra.status, extra.body.code]).to.deep.equal([400, 'BAD_ENVELOPE']);
  });

  it('answers 413 PACKET_TOO_LARGE for a payload over the limit', async function () {
    // A second simulator over the same ledger, with a small configured limit.
    const small = await startSimulator({
      db: h.db,
      clients: [{ ...CLIENT, consumerCode: PROVINCE, trustAnchorsPem: h.pki.trustAnchorsPem }],
      ministrySigner: createCmsSigner(h.pki.ministry),
      maxPayloadBytes: 2048,
    });
    try {
      const c = await readyClient(small.url);
      const r = await c.push(envelope(packet([record(29), record(30)]), h.signer));
      expect([r.status, r.body.code]).to.deep.equal([413, 'PACKET_TOO_LARGE']);
    } finally {
      await small.stop();
    }
  });

  it('rejects only the record with an unknown code and accepts the others', async function () {
    const bad = record(40);
    bad.data.danToc = { ma: '99', ten: 'Không có' };
    const receipt = await pushAndSettle(h, client, packet([record(41), bad, record(42)]));
    expect(receipt.results.map((r: any) => r.status)).to.deep.equal(['accepted', 'rejected', 'accepted']);
    expect(receipt.results[1].errors).to.deep.equal([
      { code: 'CODE_UNKNOWN', path: '/data/danToc/ma', message: "code '99' is not in the national list 'dan-toc'" },
    ]);
    const held = await client.pull('026185000040');
    expect(held.body.code).to.equal('RECORD_NOT_FOUND');
  });

  it('answers stale for an approvedAt not later than the held one, counting offsets as instants', async function () {
    await pushAndSettle(h, client, packet([record(50, '2026-05-27T15:12:00+07:00')]));
    const receipt = await pushAndSettle(h, client, packet([
      record(50, '2026-05-27T08:12:00Z'), // the same instant
      record(50, '2026-05-27T15:11:59.999+07:00'),
      record(50, '2026-05-27T15:12:00.000001+07:00'),
    ]));
    expect(receipt.results.map((r: any) => r.status)).to.deep.equal(['stale', 'stale', 'accepted']);
  });

  it('rejects DUPLICATE_IDENTITY when another sender holds the official, until that sender archives', async function () {
    await pushAndSettle(h, client, packet([record(60, '2026-05-01T00:00:00Z')]));
    const other = await readyClient(h.sim.url, OTHER_PROVINCE, OTHER_CLIENT);
    // The other province signs with its own key; the dev PKI CA is trusted for both clients.
    const otherKey = makeLeaf({ certificate: h.pki.caCert, privateKey: h.pki.caKey }, { ou: OTHER_PROVINCE });
    const otherSigner = createCmsSigner(identityOf(otherKey));
    const push = async (rec: any): Promise<any> => {
      const p = packet([rec], OTHER_PROVINCE);
      expect((await other.push(envelope(p, otherSigner))).status).to.equal(202);
      await h.sim.simulator.drain();
      return (await other.receipt(p.header.packetId)).body.results[0];
    };
    const refused = await push(record(60, '2026-05-02T00:00:00Z'));
    expect(refused.status).to.equal('rejected');
    expect(refused.errors[0].code).to.equal('DUPLICATE_IDENTITY');
    await pushAndSettle(h, client, packet([record(60, '2026-05-03T00:00:00Z', 'archive')]));
    expect((await push(record(60, '2026-05-04T00:00:00Z'))).status).to.equal('accepted');
  });

  it('keeps an archived record in the archive and serves it', async function () {
    await pushAndSettle(h, client, packet([record(70, '2026-05-01T00:00:00Z')]));
    const receipt = await pushAndSettle(h, client, packet([record(70, '2026-05-02T00:00:00Z', 'archive')]));
    expect(receipt.results[0].status).to.equal('accepted');
    const history = await fetch(`${h.sim.url}/_sim/ledger/officials/026185000070`).then((r) => r.json()) as any;
    expect(history.held).to.include({ archived: true, approvedAt: '2026-05-02T00:00:00Z' });
    expect(history.acceptances.map((a: any) => a.operation)).to.deep.equal(['upsert', 'archive']);
  });

  it('refuses a receipt of another sender as PACKET_NOT_FOUND', async function () {
    const p = packet([record(80)]);
    await client.push(envelope(p, h.signer));
    const other = await readyClient(h.sim.url, OTHER_PROVINCE, OTHER_CLIENT);
    const r = await other.receipt(p.header.packetId);
    expect([r.status, r.body.code]).to.deep.equal([404, 'PACKET_NOT_FOUND']);
  });

  it('accepts an XML packet', async function () {
    const p = packet([record(90)]);
    const r = await client.push(envelope(p, h.signer, 'xml'));
    expect(r.status).to.equal(202);
    await h.sim.simulator.drain();
    expect((await client.receipt(p.header.packetId)).body.results[0].status).to.equal('accepted');
    // The held record is read back from the stored XML payload.
    const pulled = await client.pull(p.records[0].soDinhDanh);
    expect(JSON.parse(Buffer.from(pulled.body.payload, 'base64').toString('utf8'))).to.deep.equal(p.records[0].data);
  });
});
