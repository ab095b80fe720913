import { expect } from 'chai';
import { migrate } from '../../src/db/migrate.js';
import { createOutboxStore, type OutboxStore } from '../../src/outbox/outbox-store.js';
import type { RecordVersion } from '../../src/outbox/outbox-types.js';
import { isDue } from '../../src/sync/due-rule.js';
import { toPendingVersion } from '../../src/sync/record-version.js';
import { BACKENDS, freshDatabase, type TestDatabase } from '../setup/databases.js';

/**
 * Re-evaluation after a mapping change, at the outbox: a version the gateway refused keeps
 * the fingerprint of the mapping that refused it, is due again under another one, and takes
 * its new outcome in place; nothing else is due again on its own.
 */
const A = 'a'.repeat(64);
const B = 'b'.repeat(64);

function version(vendorId: string, status: RecordVersion['status'], fingerprint: string | undefined): RecordVersion {
  return {
    vendorId, approvalId: '7', soDinhDanh: `02618500${vendorId.padStart(4, '0')}`, operation: 'upsert', approvedAt: '2026-11-10T02:00:00.000Z',
    approvedByUnit: '000.00.05.H62', status,
    recordHash: status === 'invalid' ? undefined : `h${vendorId}`, recordJson: status === 'queued' ? '{"x":1}' : undefined,
    errors: status === 'invalid' ? [{ code: 'mapping.code_unknown', path: '/trinhDo/lyLuanChinhTri', source: 'qlcb.can_bo.ly_luan_chinh_tri', message: 'm' }] : undefined,
    ...(fingerprint ? { mappingFingerprint: fingerprint } : {}),
  };
}

describe('re-evaluation: the due rule', function () {
  const head = { vendorId: '1', approvalId: '7' };
  it('is due for a new approval, and for a refused version under another mapping only', function () {
    expect(isDue(head, undefined, A)).to.equal(true);
    expect(isDue(head, { lastApprovalId: '6' }, A)).to.equal(true);
    expect(isDue(head, { lastApprovalId: '7' }, A)).to.equal(false);
    expect(isDue(head, { lastApprovalId: '7', refusedUnder: A }, A)).to.equal(false);
    expect(isDue(head, { lastApprovalId: '7', refusedUnder: B }, A)).to.equal(true);
    // Refused before fingerprints were kept: mapped again once.
    expect(isDue(head, { lastApprovalId: '7', refusedUnder: '' }, A)).to.equal(true);
    // A newer approval was taken in since: the old head is not due.
    expect(isDue(head, { lastApprovalId: '8', refusedUnder: B }, A)).to.equal(false);
  });
});

for (const backend of BACKENDS) {
  describe(`re-evaluation: the outbox (${backend})`, function () {
    this.timeout(30_000);
    let t: TestDatabase;
    let outbox: OutboxStore;
    let runId: string;

    before(async function () {
      t = await freshDatabase(backend);
      await migrate(t.db);
      outbox = createOutboxStore(t.db);
      runId = await outbox.startRun(false);
    });
    after(async function () {
      await t?.drop();
    });

    async function rows(): Promise<string[][]> {
      const res = await t.db.query<{ vendor_id: string; status: string; fp: string | null; packet: string | null }>(
        `SELECT vendor_id, status, mapping_fingerprint AS fp, packet_id::text AS packet FROM csdl_gateway.record_versions ORDER BY vendor_id`,
      );
      return res.rows.map((r) => [r.vendor_id, r.status, r.fp ?? '-', r.packet ? 'packet' : '-']);
    }

    it('keeps the fingerprint with each version and names the mapping that refused the latest one', async function () {
      await outbox.recordVersions(runId, [version('1', 'invalid', A), version('2', 'unchanged', A), version('3', 'invalid', undefined)]);
      await t.db.query(`UPDATE csdl_gateway.record_versions SET mapping_fingerprint = NULL WHERE vendor_id = '3'`);
      const states = await outbox.personStates(['1', '2', '3']);
      expect(states.get('1')).to.include({ lastApprovalId: '7', refusedUnder: A });
      expect(states.get('2')).to.not.have.property('refusedUnder');
      expect(states.get('3')).to.include({ refusedUnder: '' });
    });

    it('a refused version mapped again takes its new outcome in place: still invalid, or into a packet', async function () {
      await outbox.recordVersions(runId, [version('1', 'invalid', B)]);
      expect((await outbox.personStates(['1'])).get('1')).to.include({ refusedUnder: B });
      await outbox.storePacket(runId, {
        packetId: '00000000-0000-4000-8000-000000000001', format: 'json', envelope: Buffer.from('{}'), payloadSha256: 'x', payloadBytes: 2, signer: 'CN=t',
        recordIds: [], newVersions: [toPendingVersion(version('1', 'queued', B))],
      });
      expect(await rows()).to.deep.equal([['1', 'in_packet', B, 'packet'], ['2', 'unchanged', A, '-'], ['3', 'invalid', '-', '-']]);
      expect((await outbox.personStates(['1'])).get('1')).to.not.have.property('refusedUnder');
      const errors = await t.db.query<{ errors: unknown }>(`SELECT errors FROM csdl_gateway.record_versions WHERE vendor_id = '1'`);
      expect(errors.rows[0]?.errors).to.equal(null);
    });

    it('never replaces a version that was not refused: a packet holding one is refused whole', async function () {
      await outbox.recordVersions(runId, [version('2', 'invalid', B)]);
      expect(await rows()).to.deep.include(['2', 'unchanged', A, '-']);
      let refused: unknown;
      await outbox.storePacket(runId, {
        packetId: '00000000-0000-4000-8000-000000000002', format: 'json', envelope: Buffer.from('{}'), payloadSha256: 'x', payloadBytes: 2, signer: 'CN=t',
        recordIds: [], newVersions: [toPendingVersion(version('1', 'queued', B))],
      }).catch((err: unknown) => { refused = err; });
      expect(String(refused)).to.match(/records changed while it was built/);
      expect(await rows()).to.deep.include(['1', 'in_packet', B, 'packet']);
      // Rejected nationally: not the gateway's refusal, so never due again on its own.
      await t.db.query(`UPDATE csdl_gateway.record_versions SET status = 'rejected' WHERE vendor_id = '1'`);
      expect((await outbox.personStates(['1'])).get('1')).to.not.have.property('refusedUnder');
    });
  });
}
