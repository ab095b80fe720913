import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createDb } from '../../src/db/db.js';
import type { OutboxStore } from '../../src/outbox/outbox-store.js';
import type { SyncSummary } from '../../src/sync/sync-summary.js';
import { OTHER_PROVINCE, envelope, packet, readyClient, record } from '../simulator/simulator-harness.js';
import { startSyncWorld, type SyncWorld } from './sync-harness.js';

/**
 * The sync against a simulator that fails on purpose (contract "Push", "Receipt"),
 * with the store on real PostgreSQL: partial rejection, 503 with Retry-After,
 * a token revoked mid-run, a duplicate post answered 200, a 409 conflict, and the advisory
 * lock between two services (two pools) on one store. The provincial sample only: persons
 * 1-9 are valid and approved (see sync-end-to-end.test.ts).
 */
const CCCD: Record<number, string> = {
  1: '026185001234', 2: '026079004321', 3: '026190007777', 4: '014088002468', 6: '017192000888', 8: '094195003333', 9: '026201005555',
};

interface AttemptRow {
  operation: string;
  http_status: number | null;
  national_code: string | null;
  error: string | null;
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the ledger is known JSON */
describe('sync under national faults (store on postgres)', function () {
  this.timeout(60_000);
  let w: SyncWorld;

  before(async function () {
    w = await startSyncWorld({ storeBackend: 'postgres' });
  });
  after(async function () {
    await w?.close();
  });
  afterEach(function () {
    w.sim.sim.faults.reset();
  });

  /** The attempts stored for the packet that holds `vendorId`'s latest version. */
  async function attemptsOf(vendorId: number): Promise<AttemptRow[]> {
    const res = await w.store.db.query<AttemptRow>(
      `SELECT a.operation, a.http_status, a.national_code, a.error FROM csdl_gateway.send_attempts a
        WHERE a.packet_id = (SELECT packet_id FROM csdl_gateway.record_versions WHERE vendor_id = $1 ORDER BY id DESC LIMIT 1)
        ORDER BY a.id`,
      [String(vendorId)],
    );
    return res.rows;
  }

  async function latestVersion(vendorId: number): Promise<{ status: string; errors: any; packet_status: string | null; national_code: string | null }> {
    const res = await w.store.db.query<{ status: string; errors: any; packet_status: string | null; national_code: string | null }>(
      `SELECT v.status, v.errors, p.status AS packet_status, p.national_code FROM csdl_gateway.record_versions v
         LEFT JOIN csdl_gateway.packets p USING (packet_id) WHERE v.vendor_id = $1 ORDER BY v.id DESC LIMIT 1`,
      [String(vendorId)],
    );
    return res.rows[0]!;
  }

  it('partial rejection: a số định danh held by another province is rejected with DUPLICATE_IDENTITY, the rest accepted', async function () {
    // Another province's official under person 6's number (017 1 92: a woman born in 1992).
    const held = record(1).data;
    held.soDinhDanh = CCCD[6];
    held.ngaySinh = '1992-10-10';
    await w.sim.sim.simulator.seedOfficial({ soDinhDanh: CCCD[6]!, sender: OTHER_PROVINCE, approvedAt: '2026-01-05T09:00:00+07:00', archived: false, record: held });
    const summary = await w.service().service.run();
    expect(summary).to.include({ accepted: 8, rejected: 1, stale: 0, invalid: 1 });
    const six = await latestVersion(6);
    expect(six.status).to.equal('rejected');
    expect(six.errors.map((e: { code: string; path: string }) => [e.code, e.path])).to.deep.equal([['DUPLICATE_IDENTITY', '/soDinhDanh']]);
    const others = await w.store.db.query<{ status: string; n: number }>(
      `SELECT status, count(*)::int AS n FROM csdl_gateway.record_versions WHERE vendor_id <> '6' GROUP BY status ORDER BY status`,
    );
    expect(others.rows).to.deep.equal([{ status: 'accepted', n: 8 }, { status: 'invalid', n: 1 }]);
    const ledger = await w.ledger();
    expect(ledger.acceptances).to.deep.include({ total: 8, repeated: [] });
    const heldSix = (await w.ledger(CCCD[6])).held;
    expect(heldSix.sender).to.equal(OTHER_PROVINCE);
    // Seeded as an older system migrated it: its approval time kept as the text it was given.
    expect(heldSix.approvedAt).to.equal('2026-01-05T09:00:00+07:00');
  });

  it('503 with Retry-After: the client waits what the national side asked, then the packet is accepted', async function () {
    await w.approveAgain(1, { edit: 'Số 7, phường Liên Bảo, Vĩnh Phúc' });
    w.sim.sim.faults.scriptNext('push', { status: 503, retryAfter: 2 });
    w.sleeps.length = 0;
    const summary = await w.service().service.run();
    expect(summary).to.include({ accepted: 1, packetsSent: 1, packetsFailed: 0 });
    expect(w.sleeps).to.include(2000);
    expect((await attemptsOf(1)).filter((a) => a.operation === 'push').map((a) => a.http_status)).to.deep.equal([503, 202]);
    expect((await latestVersion(1)).status).to.equal('accepted');
  });

  it('token revoked mid-run: the receipt poll gets a 401, a new token is fetched, the receipt lands', async function () {
    await w.approveAgain(2, { edit: 'Số 9, phường Đống Đa, Vĩnh Phúc' });
    const { service } = w.service();
    // Revoke between the push and the first receipt poll, with the token already in use.
    const summary = await service.run({
      onProgress: (line) => {
        if (line.startsWith('packets sent')) w.sim.sim.faults.revokeTokens();
      },
    });
    expect(summary).to.include({ accepted: 1, receiptsPending: 0 });
    const attempts = (await attemptsOf(2)).map((a) => `${a.operation} ${a.http_status}`);
    expect(attempts.slice(0, 2)).to.deep.equal(['token 200', 'push 202']);
    expect(attempts.slice(2, 5)).to.deep.equal(['receipt 401', 'token 200', 'receipt 200']);
  });

  it('a duplicate post answered 200: the push is stored but the answer lost; the repeat gets 200, the record accepted once', async function () {
    const at = await w.approveAgain(3, { edit: 'Tổ 2, thị trấn Hương Canh, Vĩnh Phúc' });
    w.sim.sim.faults.scriptNext('push', { reset: true, afterStore: true });
    const summary = await w.service().service.run();
    expect(summary).to.include({ accepted: 1, packetsSent: 1 });
    const pushes = (await attemptsOf(3)).filter((a) => a.operation === 'push');
    expect(pushes.map((a) => a.http_status)).to.deep.equal([null, 200]);
    expect(pushes[0]?.error).to.be.a('string');
    const history = await w.ledger(CCCD[3]);
    expect(history.acceptances.filter((a: { approvedAt: string }) => Date.parse(a.approvedAt) === Date.parse(at))).to.have.length(1);
    expect((await w.ledger()).acceptances.repeated).to.deep.equal([]);
  });

  it('409 conflict: a packetId the national side holds with other bytes fails the packet with PACKET_CONFLICT', async function () {
    const taken = randomUUID();
    const other = packet([record(7001)]);
    other.header.packetId = taken;
    const client = await readyClient(w.sim.sim.url);
    expect((await client.push(envelope(other, w.sim.signer))).status).to.equal(202);
    const at = await w.approveAgain(4, { edit: 'Bản Mòng, xã Chiềng Ban, Sơn La' });
    const ids = [taken];
    const summary = await w.service({ newId: () => ids.shift() ?? randomUUID() }).service.run();
    expect(summary).to.include({ packetsFailed: 1, packetsSent: 0, accepted: 0 });
    const four = await latestVersion(4);
    expect(four).to.deep.include({ status: 'in_packet', packet_status: 'failed', national_code: 'PACKET_CONFLICT' });
    const history = await w.ledger(CCCD[4]);
    expect(history.acceptances.filter((a: { approvedAt: string }) => Date.parse(a.approvedAt) === Date.parse(at))).to.deep.equal([]);
  });

  it('a packet failed nationally: its records go back to the queue with their text and the next sync sends them again', async function () {
    const at = await w.approveAgain(9, { edit: 'Số 12, phường Liên Bảo, Vĩnh Phúc' });
    w.sim.sim.faults.apply({ failNextPackets: 1 });
    const first = await w.service().service.run();
    expect(first).to.include({ packetsSent: 1, packetsFailed: 1, accepted: 0 });
    const queued = await w.store.db.query<{ status: string; record: { soDinhDanh: string } | null; packet_id: string | null }>(
      `SELECT status, record, packet_id FROM csdl_gateway.record_versions WHERE vendor_id = '9' ORDER BY id DESC LIMIT 1`,
    );
    // The record's bytes were kept only in the envelope; they came back from it.
    expect(queued.rows[0]).to.deep.include({ status: 'queued', packet_id: null });
    expect(queued.rows[0]?.record?.soDinhDanh).to.equal(CCCD[9]);
    const second = await w.service().service.run();
    expect(second).to.include({ packetsBuilt: 1, accepted: 1 });
    expect(await latestVersion(9)).to.deep.include({ status: 'accepted', packet_status: 'done' });
    const history = await w.ledger(CCCD[9]);
    expect(history.acceptances.filter((a: { approvedAt: string }) => Date.parse(a.approvedAt) === Date.parse(at))).to.have.length(1);
  });

  it('advisory lock: two services with two pools on one store never run at once', async function () {
    await w.approveAgain(8, { edit: 'Phường 5, Sóc Trăng' });
    const secondPool = createDb(w.store.url, { max: 3 });
    try {
      const second = w.service({ storeDb: secondPool }).service;
      let inside: Promise<SyncSummary> | undefined;
      // The first service holds the lock; while it is inside (recording versions), the second tries.
      const first = w.service({
        wrapOutbox: (outbox: OutboxStore): OutboxStore => ({
          ...outbox,
          async recordVersions(runId, versions) {
            inside ??= second.run();
            await inside;
            return outbox.recordVersions(runId, versions);
          },
        }),
      }).service;
      const a = await first.run();
      const b = await inside!;
      expect(a).to.include({ skipped: false, accepted: 1 });
      expect(b.skipped).to.equal(true);
      // Once released, the second service takes the lock (and finds nothing due).
      expect(await second.run()).to.include({ skipped: false, due: 0 });
    } finally {
      await secondPool.close();
    }
  });
});
