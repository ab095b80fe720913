import { expect } from 'chai';
import { nationalContract } from '../../src/contract/national-contract.js';
import { createPayloadCodec } from '../../src/encoding/payload-codec.js';
import { refreshSharedRecords } from '../../src/share/shared-records-refresh.js';
import { BACKENDS } from '../setup/databases.js';
import { EDUCATION, NEVER_ACCEPTED, PROVINCE_ROOT, REJECTED_PERSON, SCHOOL, startShareWorld, type ShareWorld } from './share-harness.js';
import { loadMapping } from '../../src/mapping/mapping-loader.js';

/** Where the qlcb mapping says the unit tree is. */
const qlcbUnits = loadMapping('mappings/qlcb').units;

/**
 * The served copy follows the national side's answers: after a real sync against the
 * simulator, the refresh serves exactly the accepted records, each person's latest, and
 * nothing rejected or never accepted; it copies the unit hierarchy; it is idempotent.
 */
for (const backend of BACKENDS) {
  describe(`share: refresh of the served records (store on ${backend})`, function () {
    this.timeout(120_000);
    let w: ShareWorld;

    before(async function () {
      w = await startShareWorld(backend);
    });
    after(async function () {
      await w?.close();
    });

    const served = async () => (await w.sync.store.db.query<{ so_dinh_danh: string; approved_at: Date; packet_id: string; record: { noiOHienNay?: string } }>(
      'SELECT so_dinh_danh, approved_at, packet_id, record FROM csdl_gateway.shared_records ORDER BY so_dinh_danh',
    )).rows;

    it('serves every accepted record and nothing else', async function () {
      const summary = await w.refresh();
      expect(summary.skipped).to.equal(false);
      expect(summary.unitsCopied).to.equal(true);
      const accepted = (await w.sync.store.db.query<{ so_dinh_danh: string }>(
        "SELECT DISTINCT so_dinh_danh FROM csdl_gateway.record_versions WHERE status = 'accepted' ORDER BY so_dinh_danh",
      )).rows.map((r) => r.so_dinh_danh);
      expect(accepted.length).to.be.greaterThan(10);
      const rows = await served();
      expect(rows.map((r) => r.so_dinh_danh)).to.deep.equal(accepted);
      expect(summary.records).to.equal(accepted.length);
      // The rejected record (DUPLICATE_IDENTITY) and the never-accepted people are not served.
      const rejected = await w.sync.store.db.query("SELECT 1 FROM csdl_gateway.record_versions WHERE so_dinh_danh = $1 AND status = 'rejected'", [REJECTED_PERSON]);
      expect(rejected.rowCount).to.equal(1);
      expect(rows.map((r) => r.so_dinh_danh)).to.not.include.members([REJECTED_PERSON, ...NEVER_ACCEPTED]);
      // Each row is the version the national side holds: same packet, same approval.
      const one = rows[0]!;
      const ledger = await w.sync.ledger(one.so_dinh_danh);
      expect(one.packet_id).to.equal(ledger.held.packetId);
      expect(one.record).to.have.property('soDinhDanh', one.so_dinh_danh);
      expect(one.approved_at.getTime()).to.equal(new Date(ledger.held.approvedAt).getTime());
    });

    it('copies the unit hierarchy: a unit stands for its subtree', async function () {
      const tree = await w.sync.store.db.query<{ descendant: string }>(
        'SELECT descendant FROM csdl_gateway.share_unit_tree WHERE ancestor = $1 ORDER BY descendant', [EDUCATION],
      );
      expect(tree.rows.map((r) => r.descendant)).to.include.members([EDUCATION, SCHOOL]);
      const root = await w.sync.store.db.query('SELECT 1 FROM csdl_gateway.share_unit_tree WHERE ancestor = $1 AND descendant = $2', [PROVINCE_ROOT, SCHOOL]);
      expect(root.rowCount).to.equal(1);
    });

    it('is idempotent: a second refresh takes in nothing and changes nothing', async function () {
      const before = await served();
      const summary = await w.refresh();
      expect(summary).to.include({ packets: 0, records: 0, unitsCopied: false });
      expect(await served()).to.deep.equal(before);
    });

    it('takes in a newer accepted version and never goes back to an older one', async function () {
      const target = (await served()).find((r) => r.so_dinh_danh === '026079004321')!;
      expect(target, 'sample person 2 is served').to.not.equal(undefined);
      await w.sync.approveAgain(2, { edit: 'Số 9 đường Mới, Vĩnh Yên' });
      await w.sync.service().service.run({ dryRun: false });
      const summary = await w.refresh();
      expect(summary.records).to.equal(1);
      const after = (await served()).find((r) => r.so_dinh_danh === '026079004321')!;
      expect(after.record.noiOHienNay).to.equal('Số 9 đường Mới, Vĩnh Yên');
      expect(after.approved_at.getTime()).to.be.greaterThan(target.approved_at.getTime());
      // Taking the older packet in again (as if it completed late) changes nothing.
      await w.sync.store.db.query('DELETE FROM csdl_gateway.shared_packets WHERE packet_id = (SELECT packet_id FROM csdl_gateway.record_versions WHERE so_dinh_danh = $1 AND approved_at = $2)', ['026079004321', target.approved_at]);
      await refreshSharedRecords(w.sync.store.db, createPayloadCodec(nationalContract()));
      const again = (await served()).find((r) => r.so_dinh_danh === '026079004321')!;
      expect(again.record.noiOHienNay).to.equal('Số 9 đường Mới, Vĩnh Yên');
    });

    it('takes records in even when the provincial database cannot give its units', async function () {
      await w.sync.store.db.query('DELETE FROM csdl_gateway.shared_packets');
      await w.sync.store.db.query('DELETE FROM csdl_gateway.shared_records');
      // The simulator's ledger database stands in for a provincial database without qlcb.dm_don_vi.
      const summary = await refreshSharedRecords(w.sync.store.db, createPayloadCodec(nationalContract()), { source: w.sync.sim.db, units: qlcbUnits });
      expect(summary.unitsError).to.match(/dm_don_vi/);
      expect(summary.records).to.be.greaterThan(10);
    });
  });
}
