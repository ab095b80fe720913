import { expect } from 'chai';
import { FaultSwitches } from '../../src/simulator/fault-switches.js';
import { startSimulator } from '../../src/simulator/simulator-server.js';
import { createCmsSigner } from '../../src/signing/cms-signer.js';
import {
  CLIENT, envelope, packet, PROVINCE, pushAndSettle, readyClient, record, startHarness, type ContractClient, type Harness,
} from './simulator-harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
async function ledger(h: Harness): Promise<any> {
  return (await fetch(`${h.sim.url}/_sim/ledger`)).json();
}

async function setFaults(h: Harness, body: unknown): Promise<Response> {
  return fetch(`${h.sim.url}/_sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

describe('simulator: fault switches', function () {
  this.timeout(60_000);
  let h: Harness;
  let client: ContractClient;

  before(async function () {
    h = await startHarness();
    client = await readyClient(h.sim.url);
  });
  afterEach(function () {
    h.sim.faults.reset();
  });
  after(async function () {
    await h?.close();
  });

  it('answers the next push 503 with Retry-After, storing nothing, then serves the repeat', async function () {
    await setFaults(h, { script: { push: [{ status: 503, retryAfter: 7 }] } });
    const p = packet([record(1)]);
    const env = envelope(p, h.signer);
    const refused = await client.push(env);
    expect(refused.status).to.equal(503);
    expect(refused.headers.get('retry-after')).to.equal('7');
    expect(refused.body.code).to.equal('SERVICE_UNAVAILABLE');
    expect((await ledger(h)).packets.total).to.equal(0);
    expect((await client.push(env)).status).to.equal(202);
  });

  it('plays a queue of scripted answers in order, one per call of its kind', async function () {
    h.sim.faults.scriptNext('receipt', { status: 429, retryAfter: 1 }, { status: 500, body: { code: 'X' } });
    const id = '00000000-0000-4000-8000-000000000000';
    const answers = [await client.receipt(id), await client.receipt(id), await client.receipt(id)];
    expect(answers.map((a) => a.status)).to.deep.equal([429, 500, 404]);
    expect(answers[1]?.body).to.deep.equal({ code: 'X' });
  });

  it('scripts the token endpoint too', async function () {
    h.sim.faults.scriptNext('token', { status: 503, retryAfter: 2 });
    expect((await client.fetchToken()).status).to.equal(503);
    expect((await client.fetchToken()).status).to.equal(200);
  });

  it('resets the connection before storing anything', async function () {
    h.sim.faults.scriptNext('push', { reset: true });
    const before = (await ledger(h)).packets.total;
    const p = packet([record(2)]);
    let error: unknown;
    await client.push(envelope(p, h.signer)).catch((err: unknown) => { error = err; });
    expect(error).to.be.instanceOf(TypeError);
    expect((await ledger(h)).packets.total).to.equal(before);
  });

  it('stores the packet and then resets the connection (afterStore): the repeat answers 200', async function () {
    h.sim.faults.scriptNext('push', { reset: true, afterStore: true });
    const p = packet([record(3)]);
    const env = envelope(p, h.signer);
    let error: unknown;
    await client.push(env).catch((err: unknown) => { error = err; });
    expect(error).to.be.instanceOf(TypeError);
    const again = await client.push(env);
    expect(again.status).to.equal(200);
    await h.sim.simulator.drain();
    expect((await client.receipt(p.header.packetId)).body.results[0].status).to.equal('accepted');
  });

  it('answers 500 after storing (afterStore with a status)', async function () {
    h.sim.faults.scriptNext('push', { status: 500, afterStore: true });
    const p = packet([record(4)]);
    expect((await client.push(envelope(p, h.signer))).status).to.equal(500);
    expect((await client.receipt(p.header.packetId)).status).to.equal(200);
  });

  it('waits the fixed delay before answering', async function () {
    await setFaults(h, { delayMs: 250 });
    const started = process.hrtime.bigint();
    expect((await client.receipt('x')).status).to.equal(404);
    expect(Number(process.hrtime.bigint() - started) / 1e6).to.be.at.least(250);
  });

  it('fails the next packet: receipt failed with an error, nothing stored, its records accepted in a new packet', async function () {
    await setFaults(h, { failNextPackets: 1 });
    const failed = await pushAndSettle(h, client, packet([record(5)]));
    expect(failed.status).to.equal('failed');
    expect(failed.error.code).to.equal('PROCESSING_FAILED');
    expect(failed).to.not.have.property('results');
    const history = await fetch(`${h.sim.url}/_sim/ledger/officials/026185000005`).then((r) => r.json()) as any;
    expect([history.held, history.acceptances]).to.deep.equal([null, []]);
    const retried = await pushAndSettle(h, client, packet([record(5)]));
    expect(retried.results[0].status).to.equal('accepted');
  });

  it('shows and resets the switches over HTTP, and refuses a malformed update', async function () {
    await setFaults(h, { delayMs: 5, failNextPackets: 2, script: { pull: [{ status: 503 }] } });
    const shown = await (await fetch(`${h.sim.url}/_sim/faults`)).json() as any;
    expect(shown).to.include({ delayMs: 5, failNextPackets: 2 });
    expect(shown.script.pull).to.deep.equal([{ status: 503 }]);
    const cleared = await (await fetch(`${h.sim.url}/_sim/faults`, { method: 'DELETE' })).json() as any;
    expect(cleared).to.include({ delayMs: 0, failNextPackets: 0, processingDelayMs: 0 });
    expect(cleared.script.pull).to.deep.equal([]);
    const bad = await setFaults(h, { script: { push: [{ retryAfter: 'soon' }] }, colour: 'red' });
    expect(bad.status).to.equal(400);
    expect(((await bad.json()) as any).code).to.equal('simulator.bad_faults');
  });

  it('summarises the ledger: packets, results, officials, and versions accepted more than once', async function () {
    // What the tests above stored (each settled by a drain): the packets of records 1, 3 and 4,
    // record 5's failed packet and its retry. The 503, the reset and the scripts stored nothing.
    const summary = await ledger(h);
    expect(summary.packets).to.deep.equal({ total: 5, received: 0, processing: 0, done: 4, failed: 1 });
    expect(summary.results).to.deep.equal({ accepted: 4, rejected: 0, stale: 0 });
    expect(summary.acceptances.repeated).to.deep.equal([]);
    expect(summary.acceptances.total).to.equal(summary.acceptances.versions);
    expect(summary.officials.held).to.equal(summary.results.accepted);
  });
});

describe('simulator: receipts that stay processing, and a restart', function () {
  this.timeout(60_000);

  it('keeps the receipt processing for the delay; a restarted simulator finishes the packet', async function () {
    const h = await startHarness({ faults: new FaultSwitches({ processingDelayMs: 3_600_000 }) });
    let second: Awaited<ReturnType<typeof startSimulator>> | undefined;
    try {
      const client = await readyClient(h.sim.url);
      const p = packet([record(7)]);
      expect((await client.push(envelope(p, h.signer))).status).to.equal(202);
      let status = 'received';
      for (let i = 0; i < 50 && status === 'received'; i += 1) status = (await client.receipt(p.header.packetId)).body.status;
      expect(status).to.equal('processing');
      await h.sim.stop();
      second = await startSimulator({
        db: h.db,
        clients: [{ ...CLIENT, consumerCode: PROVINCE, trustAnchorsPem: h.pki.trustAnchorsPem }],
        ministrySigner: createCmsSigner(h.pki.ministry),
      });
      await second.simulator.drain();
      const again = await readyClient(second.url);
      const receipt = await again.receipt(p.header.packetId);
      expect(receipt.body.status).to.equal('done');
      expect(receipt.body.results[0].status).to.equal('accepted');
    } finally {
      await second?.stop();
      await h.close();
    }
  });
});
