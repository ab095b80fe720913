import { expect } from 'chai';
import { migrate } from '../../src/db/migrate.js';
import { OutboxError } from '../../src/outbox/outbox-error.js';
import { createOutboxStore, type OutboxStore } from '../../src/outbox/outbox-store.js';
import type { QueuedVersion, RecordVersion } from '../../src/outbox/outbox-types.js';
import { BACKENDS, freshDatabase, type TestDatabase } from '../setup/databases.js';

/**
 * The outbox's transactions on both back ends (docs/decisions/outbox.md): queueing is
 * idempotent, a packet takes exactly its queued records or nothing, receipts land per record.
 */
function version(vendorId: string, approvalId: string, extra: Partial<RecordVersion> = {}): RecordVersion {
  const soDinhDanh = `026185${vendorId.padStart(6, '0')}`;
  return {
    vendorId, approvalId, soDinhDanh, operation: 'upsert', approvedAt: `2026-10-${String(Number(approvalId) % 28 + 1).padStart(2, '0')}T02:00:00.000Z`,
    approvedByUnit: '000.00.05.H62', status: 'queued', recordHash: `hash-${vendorId}-${approvalId}`,
    recordJson: JSON.stringify({ soDinhDanh, hoTen: `Người ${vendorId}` }), errors: undefined, ...extra,
  };
}

const PACKET = (n: number): string => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

async function statuses(t: TestDatabase): Promise<Record<string, string>> {
  const res = await t.db.query<{ vendor_id: string; approval_id: string; status: string }>(
    'SELECT vendor_id, approval_id::text, status FROM csdl_gateway.record_versions',
  );
  return Object.fromEntries(res.rows.map((r) => [`${r.vendor_id}/${r.approval_id}`, r.status]));
}

for (const backend of BACKENDS) {
  describe(`outbox store (${backend})`, function () {
    this.timeout(60_000);
    let t: TestDatabase;
    let store: OutboxStore;
    let runId: string;

    beforeEach(async function () {
      t = await freshDatabase(backend);
      await migrate(t.db);
      store = createOutboxStore(t.db);
      runId = await store.startRun(false);
    });
    afterEach(async function () {
      await t?.drop();
    });

    async function pack(packetId: string, ids: string[]): Promise<void> {
      await store.storePacket(runId, {
        packetId, format: 'json', envelope: Buffer.from(`envelope ${packetId}`), payloadSha256: 'ab'.repeat(32), payloadBytes: 10, signer: 'CN=test', recordIds: ids,
      });
    }

    it('queues the same versions twice as one row each, and advances person state to the greatest approval', async function () {
      // One version per person per call, as a sync reads each person's latest approval once.
      const batch = [version('1', '10'), version('2', '20')];
      await store.recordVersions(runId, batch);
      await store.recordVersions(runId, batch);
      await store.recordVersions(runId, [version('1', '15'), version('2', '12')]);
      const count = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM csdl_gateway.record_versions');
      expect(count.rows[0]?.n).to.equal(4);
      const states = await store.personStates(['1', '2', '3']);
      expect([...states.entries()].sort()).to.deep.equal([
        ['1', { lastApprovalId: '15', acceptedHash: undefined }],
        ['2', { lastApprovalId: '20', acceptedHash: undefined }],
      ]);
    });

    it('takenIn gives every person taken in with the approval taken, and the mapping that refused it', async function () {
      const ids = ['1', '2', '3', '5', 'a,"b\\', '__proto__', 'toString', '9'];
      const lookUp = async (store: OutboxStore) => {
        const taken = await store.takenIn();
        return Object.fromEntries(ids.map((id) => [id, taken.get(id)]));
      };
      expect(Object.values(await lookUp(store)).every((v) => v === undefined)).to.equal(true);
      await store.recordVersions(runId, [
        version('1', '10', { status: 'unchanged', recordJson: undefined }),
        version('2', '20', { status: 'unchanged', recordJson: undefined }),
        version('3', '30', { status: 'invalid', recordHash: undefined, recordJson: undefined, errors: [{ code: 'x' }], mappingFingerprint: 'old' }),
        version('5', '50', { status: 'invalid', recordHash: undefined, recordJson: undefined, errors: [{ code: 'x' }], mappingFingerprint: 'old' }),
        version('a,"b\\', '1', { status: 'unchanged', recordJson: undefined }), // an id JSON must escape
        version('__proto__', '7', { status: 'unchanged', recordJson: undefined }), // a key an object must hold as its own
      ]);
      // Person 5's refused approval is not the one taken in last: not refused any more.
      await store.recordVersions(runId, [version('5', '51', { status: 'unchanged', recordJson: undefined })]);
      expect(await lookUp(store)).to.deep.equal({
        '1': { lastApprovalId: '10' },
        '2': { lastApprovalId: '20' },
        '3': { lastApprovalId: '30', refusedUnder: 'old' },
        '5': { lastApprovalId: '51' },
        'a,"b\\': { lastApprovalId: '1' },
        ['__proto__']: { lastApprovalId: '7' }, // computed: a literal '__proto__' key would set the prototype
        toString: undefined, // never taken in, though every object inherits one
        '9': undefined,
      });
      // Another source's store sees none of them.
      expect(Object.values(await lookUp(createOutboxStore(t.db, 'other'))).every((v) => v === undefined)).to.equal(true);
    });

    it('gives the queue in the order versions were recorded (numeric id order, past 10)', async function () {
      const batch = Array.from({ length: 12 }, (_, i) => version(String(i + 1), String(100 + i)));
      await store.recordVersions(runId, batch);
      const queued = await store.queued(100);
      expect(queued.map((v) => Number(v.id))).to.deep.equal([...queued.map((v) => Number(v.id))].sort((a, b) => a - b));
      expect(queued.map((v) => v.vendorId)).to.deep.equal(batch.map((v) => v.vendorId));
      // The record comes back as the very text that was hashed, for the packet to splice in.
      expect(queued.map((v) => v.recordJson)).to.deep.equal(batch.map((v) => v.recordJson));
    });

    it('stores a packet with exactly its queued records, and refuses whole if one is no longer queued', async function () {
      await store.recordVersions(runId, [version('1', '10'), version('2', '20'), version('3', '30'), version('4', '40', { status: 'invalid', recordJson: undefined })]);
      const queued = await store.queued(10);
      expect(queued.map((v) => v.vendorId)).to.deep.equal(['1', '2', '3']);
      await pack(PACKET(1), [queued[0]!.id!, queued[1]!.id!]);
      expect(await statuses(t)).to.deep.equal({ '1/10': 'in_packet', '2/20': 'in_packet', '3/30': 'queued', '4/40': 'invalid' });
      expect((await store.packetsIn('pending')).map((p) => [p.packetId, p.recordCount]))
        .to.deep.equal([[PACKET(1), 2]]);
      expect((await store.envelopeOf(PACKET(1))).toString()).to.equal(`envelope ${PACKET(1)}`);

      // Record 2 is already in packet 1: a second packet naming it is refused, and rolled back.
      let refused: unknown;
      await pack(PACKET(2), [queued[2]!.id!, queued[1]!.id!]).catch((err: unknown) => (refused = err));
      expect(refused).to.include({ code: 'outbox.records_changed', status: 409 });
      expect(await statuses(t)).to.deep.equal({ '1/10': 'in_packet', '2/20': 'in_packet', '3/30': 'queued', '4/40': 'invalid' });
      const packets = await t.db.query('SELECT packet_id::text FROM csdl_gateway.packets');
      expect(packets.rows).to.deep.equal([{ packet_id: PACKET(1) }]);
    });

    it('lands a done receipt per record by số định danh and approvedAt; accepted hash only for accepted', async function () {
      const v1 = version('1', '10');
      const v1b = version('1', '11');
      const v2 = version('2', '20');
      const v3 = version('3', '30');
      await store.recordVersions(runId, [v1, v2, v3]);
      await store.recordVersions(runId, [v1b]);
      await pack(PACKET(1), (await store.queued(10)).map((v) => v.id!));
      await store.markSent(PACKET(1), 'receipt-1');
      expect((await store.packetsIn('sent')).map((p) => p.packetId)).to.deep.equal([PACKET(1)]);
      await store.completePacket(PACKET(1), { status: 'done' }, [
        // The same person twice in one packet: told apart by approvedAt (given with an offset).
        { soDinhDanh: v1.soDinhDanh!, approvedAt: '2026-10-11T09:00:00+07:00', status: 'accepted' },
        { soDinhDanh: v1b.soDinhDanh!, approvedAt: '2026-10-12T09:00:00+07:00', status: 'stale' },
        { soDinhDanh: v2.soDinhDanh!, approvedAt: v2.approvedAt, status: 'rejected', errors: [{ code: 'DUPLICATE_IDENTITY', path: '/soDinhDanh', message: 'held elsewhere' }] },
        { soDinhDanh: v3.soDinhDanh!, approvedAt: v3.approvedAt, status: 'accepted' },
      ]);
      expect(await statuses(t)).to.deep.equal({ '1/10': 'accepted', '1/11': 'stale', '2/20': 'rejected', '3/30': 'accepted' });
      const errors = await t.db.query<{ errors: unknown }>(`SELECT errors FROM csdl_gateway.record_versions WHERE vendor_id = '2'`);
      expect(errors.rows[0]?.errors).to.deep.equal([{ code: 'DUPLICATE_IDENTITY', path: '/soDinhDanh', message: 'held elsewhere' }]);
      const states = await store.personStates(['1', '2', '3']);
      expect(states.get('1')?.acceptedHash).to.equal('hash-1-10');
      expect(states.get('2')?.acceptedHash).to.equal(undefined);
      expect(states.get('3')?.acceptedHash).to.equal('hash-3-30');
      const packet = await t.db.query<{ status: string }>('SELECT status FROM csdl_gateway.packets');
      expect(packet.rows).to.deep.equal([{ status: 'done' }]);
      const receipt = await t.db.query<{ status: string }>('SELECT status FROM csdl_gateway.receipts');
      expect(receipt.rows).to.deep.equal([{ status: 'done' }]);
    });

    it('puts the records of a failed receipt back in the queue, the packet failed with its code', async function () {
      const versions = [version('1', '10'), version('2', '20')];
      await store.recordVersions(runId, versions);
      await pack(PACKET(1), (await store.queued(10)).map((v) => v.id!));
      await store.markSent(PACKET(1), 'receipt-1');
      // The records as the caller decodes them from the envelope.
      const returned = versions.map((v) => ({ soDinhDanh: v.soDinhDanh!, approvedAt: v.approvedAt, recordJson: v.recordJson! }));
      await store.failPacketFromReceipt(PACKET(1), { status: 'failed' }, 'PROCESSING_FAILED', 'could not process', returned);
      expect(await statuses(t)).to.deep.equal({ '1/10': 'queued', '2/20': 'queued' });
      const packet = await t.db.query('SELECT status, national_code, last_error FROM csdl_gateway.packets');
      expect(packet.rows).to.deep.equal([{ status: 'failed', national_code: 'PROCESSING_FAILED', last_error: 'could not process' }]);
      const packetIds = await t.db.query('SELECT DISTINCT packet_id FROM csdl_gateway.record_versions');
      expect(packetIds.rows).to.deep.equal([{ packet_id: null }]);
      // They go into a new packet.
      await pack(PACKET(2), (await store.queued(10)).map((v) => v.id!));
      expect(await statuses(t)).to.deep.equal({ '1/10': 'in_packet', '2/20': 'in_packet' });
    });

    /** A version mapped this run, not yet in the store. */
    function fresh(vendorId: string, approvalId: string): QueuedVersion {
      const v = version(vendorId, approvalId);
      return {
        vendorId, approvalId, soDinhDanh: v.soDinhDanh!, operation: v.operation, approvedAt: v.approvedAt,
        approvedByUnit: v.approvedByUnit, recordHash: v.recordHash!, recordJson: v.recordJson!,
      };
    }

    async function packFresh(packetId: string, versions: QueuedVersion[]): Promise<void> {
      await store.storePacket(runId, {
        packetId, format: 'json', envelope: Buffer.from(`envelope ${packetId}`), payloadSha256: 'ab'.repeat(32), payloadBytes: 10, signer: 'CN=test',
        recordIds: [], newVersions: versions,
      });
    }

    it('records versions new this run with their packet, without their record, and advances person state then', async function () {
      await packFresh(PACKET(1), [fresh('1', '10'), fresh('2', '20')]);
      expect(await statuses(t)).to.deep.equal({ '1/10': 'in_packet', '2/20': 'in_packet' });
      const rows = await t.db.query('SELECT vendor_id, packet_id::text, record, record_hash FROM csdl_gateway.record_versions ORDER BY vendor_id');
      expect(rows.rows).to.deep.equal([
        { vendor_id: '1', packet_id: PACKET(1), record: null, record_hash: 'hash-1-10' },
        { vendor_id: '2', packet_id: PACKET(1), record: null, record_hash: 'hash-2-20' },
      ]);
      expect((await store.packetsIn('pending')).map((p) => [p.packetId, p.recordCount])).to.deep.equal([[PACKET(1), 2]]);
      const states = await store.personStates(['1', '2']);
      expect([states.get('1')?.lastApprovalId, states.get('2')?.lastApprovalId]).to.deep.equal(['10', '20']);

      // The same version again (a second process, a bug): the whole packet is refused.
      let refused: unknown;
      await packFresh(PACKET(2), [fresh('3', '30'), fresh('2', '20')]).catch((err: unknown) => (refused = err));
      expect(refused).to.include({ code: 'outbox.records_changed', status: 409 });
      expect(await statuses(t)).to.deep.equal({ '1/10': 'in_packet', '2/20': 'in_packet' });
      expect((await store.personStates(['3'])).size).to.equal(0);
    });

    it('gives a failed packet\'s new versions back to the queue with the record text the envelope held', async function () {
      const one = fresh('1', '10');
      const two = fresh('2', '20');
      await packFresh(PACKET(1), [one, two]);
      await store.markSent(PACKET(1), 'receipt-1');
      await store.failPacketFromReceipt(PACKET(1), { status: 'failed' }, 'PROCESSING_FAILED', 'could not process', [
        { soDinhDanh: one.soDinhDanh, approvedAt: one.approvedAt, recordJson: one.recordJson },
        { soDinhDanh: two.soDinhDanh, approvedAt: two.approvedAt, recordJson: two.recordJson },
      ]);
      const queued = await store.queued(10);
      expect(queued.map((v) => [v.vendorId, v.approvalId, v.recordHash, v.recordJson])).to.deep.equal([
        ['1', '10', one.recordHash, one.recordJson], ['2', '20', two.recordHash, two.recordJson],
      ]);
    });

    it('refuses a failed receipt whose envelope leaves a version unnamed, changing nothing, rather than queue it without its record', async function () {
      const one = fresh('1', '10');
      const two = fresh('2', '20');
      await packFresh(PACKET(1), [one, two]);
      await store.markSent(PACKET(1), 'receipt-1');
      let refused: unknown;
      await store.failPacketFromReceipt(PACKET(1), { status: 'failed' }, 'PROCESSING_FAILED', 'could not process', [
        { soDinhDanh: one.soDinhDanh, approvedAt: one.approvedAt, recordJson: one.recordJson },
      ]).catch((err: unknown) => (refused = err));
      expect(refused).to.be.instanceOf(OutboxError);
      expect((refused as OutboxError).code).to.equal('outbox.records_unmatched');
      expect((refused as OutboxError).message).to.include(two.soDinhDanh);
      expect(await statuses(t)).to.deep.equal({ '1/10': 'in_packet', '2/20': 'in_packet' });
      expect(await store.queued(10)).to.deep.equal([]);
      expect((await store.packetsIn('sent')).map((p) => p.packetId)).to.deep.equal([PACKET(1)]);
      const receipts = await t.db.query('SELECT packet_id FROM csdl_gateway.receipts');
      expect(receipts.rows).to.deep.equal([]);
    });

    it('stores an unchanged version without its record text, a queued one with it', async function () {
      await store.recordVersions(runId, [version('1', '10', { status: 'unchanged' }), version('2', '20')]);
      const rows = await t.db.query<{ vendor_id: string; status: string; record: unknown; record_hash: string }>(
        'SELECT vendor_id, status, record, record_hash FROM csdl_gateway.record_versions ORDER BY vendor_id',
      );
      expect(rows.rows).to.deep.equal([
        { vendor_id: '1', status: 'unchanged', record: null, record_hash: 'hash-1-10' },
        { vendor_id: '2', status: 'queued', record: { soDinhDanh: '026185000002', hoTen: 'Người 2' }, record_hash: 'hash-2-20' },
      ]);
    });
  });
}
