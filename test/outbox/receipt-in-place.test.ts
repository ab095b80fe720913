import { expect } from 'chai';
import type { Db, Queryable } from '../../src/db/db.js';
import { createOutboxStore } from '../../src/outbox/outbox-store.js';
import type { QueuedVersion } from '../../src/outbox/outbox-types.js';
import { BACKENDS, migratedDatabase } from '../setup/databases.js';

/**
 * A receipt that accepts its records rewrites each version and each person in place: a HOT
 * update, with no new entry in any index (migration 022, docs/decisions/sync-throughput.md).
 * An index that reads the version's status, or a page left without room, would make every
 * accepted record of a first sync pay an entry in each index again, silently; this says so.
 */
const PACKET = '00000000-0000-4000-8000-000000000022';
const PEOPLE = 200;

function fresh(n: number): QueuedVersion {
  return {
    vendorId: String(n), approvalId: String(n * 10), soDinhDanh: `026185${String(n).padStart(6, '0')}`, operation: 'upsert',
    approvedAt: '2026-10-02T02:00:00.000Z', approvedByUnit: '000.00.05.H62', recordHash: `hash-${n}`, recordJson: '{}',
  };
}

/** The store's statements, each in the one transaction `tx` (its own `transaction` nests in it). */
function within(tx: Queryable): Db {
  return {
    query: (text, values) => tx.query(text, values),
    transaction: (fn) => fn(tx),
    withClient: () => Promise.reject(new Error('not in this test')),
    close: () => Promise.resolve(),
    description: 'one transaction',
  };
}

for (const backend of BACKENDS) {
  describe(`outbox: a receipt's update in place (${backend})`, function () {
    this.timeout(60_000);
    const t = migratedDatabase(backend);

    it('accepts a packet of new versions with every version and every person updated in place', async function () {
      const counts = await t.db.transaction(async (tx) => {
        const store = createOutboxStore(within(tx));
        const runId = await store.startRun(false);
        const versions = Array.from({ length: PEOPLE }, (_, i) => fresh(i + 1));
        await store.storePacket(runId, {
          packetId: PACKET, format: 'json', envelope: Buffer.from('envelope'), payloadSha256: 'ab'.repeat(32), payloadBytes: 8,
          signer: 'CN=test', recordIds: [], newVersions: versions,
        });
        await store.markSent(PACKET, 'receipt-22');
        await store.completePacket(PACKET, { status: 'done' },
          versions.map((v) => ({ soDinhDanh: v.soDinhDanh, approvedAt: v.approvedAt, status: 'accepted' as const })));
        // This transaction's own counts, before any of it is committed.
        const res = await tx.query<{ relname: string; n_tup_upd: string; n_tup_hot_upd: string }>(
          `SELECT relname, n_tup_upd::text, n_tup_hot_upd::text FROM pg_stat_xact_user_tables
            WHERE schemaname = 'csdl_gateway' AND relname IN ('record_versions', 'person_state') ORDER BY relname`,
        );
        return Object.fromEntries(res.rows.map((r) => [r.relname, { updated: Number(r.n_tup_upd), inPlace: Number(r.n_tup_hot_upd) }]));
      });
      expect(counts).to.deep.equal({
        person_state: { updated: PEOPLE, inPlace: PEOPLE },
        record_versions: { updated: PEOPLE, inPlace: PEOPLE },
      });
      const accepted = await t.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM csdl_gateway.record_versions WHERE status = 'accepted' AND listed_status IS NULL`,
      );
      expect(accepted.rows[0]?.n).to.equal(PEOPLE);
    });

    it('still finds queued, held and invalid versions by listed_status, and never in-packet or accepted ones', async function () {
      // One version in each state, written through the table.
      await t.db.query(
        `INSERT INTO csdl_gateway.record_versions (vendor_id, approval_id, operation, approved_at, status)
         SELECT 'state-' || s, 1, 'upsert', now(), s
           FROM unnest(ARRAY['queued', 'in_packet', 'accepted', 'stale', 'rejected', 'invalid', 'unchanged', 'held']) AS s`,
      );
      const rows = await t.db.query<{ status: string; listed_status: string | null }>(
        `SELECT status, listed_status FROM csdl_gateway.record_versions WHERE vendor_id LIKE 'state-%' ORDER BY status`,
      );
      expect(Object.fromEntries(rows.rows.map((r) => [r.status, r.listed_status]))).to.deep.equal({
        accepted: null, held: 'held', in_packet: null, invalid: 'invalid', queued: 'queued', rejected: 'rejected', stale: 'stale', unchanged: 'unchanged',
      });
    });
  });
}
