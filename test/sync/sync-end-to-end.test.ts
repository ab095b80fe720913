import { expect } from 'chai';
import { BACKENDS } from '../setup/databases.js';
import { startSyncWorld, type SyncWorld } from './sync-harness.js';

/**
 * The sync end to end, over real HTTP to the simulator on 127.0.0.1:
 * the provincial sample plus generated people, a fresh store on each back end. One story per
 * back end, in order: first full sync, nothing due, an incremental change, an archived
 * person, an approval of unchanged data, a dry run, two runs at once.
 * Sample facts (contract/provincial/sample.sql, test/fixtures/golden/qlcb-sample): persons 1-9
 * and 12 are approved; 12 fails pre-validation (SALARY_MISMATCH); 5 (NGHI_HUU) and 7
 * (CHUYEN_DI) have left service; 10 and 11 are not approved.
 */
const SAMPLE_CCCD: Record<number, string> = {
  1: '026185001234', 2: '026079004321', 3: '026190007777', 4: '014088002468', 5: '036068001357',
  6: '017192000888', 7: '034075009999', 8: '094195003333', 9: '026201005555',
};
const PERSON_12_CCCD = '008190001111';

async function count(w: SyncWorld, sql: string): Promise<number> {
  const res = await w.store.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`);
  return res.rows[0]?.n ?? 0;
}

for (const backend of BACKENDS) {
  describe(`sync end to end (store on ${backend})`, function () {
    this.timeout(60_000);
    let w: SyncWorld;
    let validApproved: string[];

    before(async function () {
      w = await startSyncWorld({ storeBackend: backend, people: 30 });
      // Due: people whose latest approval row is DA_DUYET, minus those the generator made invalid.
      const approved = await w.source.db.query<{ id: number; so_cccd: string }>(
        `SELECT c.id, c.so_cccd FROM qlcb.can_bo c WHERE (SELECT p.trang_thai FROM qlcb.phe_duyet p WHERE p.can_bo_id = c.id ORDER BY p.id DESC LIMIT 1) = 'DA_DUYET'`,
      );
      const invalid = new Set([12, ...w.generated!.intentionallyInvalid.keys()]);
      validApproved = approved.rows.filter((r) => !invalid.has(r.id)).map((r) => r.so_cccd).sort();
      expect(validApproved).to.include.members(Object.values(SAMPLE_CCCD));
    });
    after(async function () {
      await w?.close();
    });

    it('a dry run previews packets as they fill, not after reading everyone, and stores nothing else', async function () {
      const events: string[] = [];
      const { service } = w.service({
        noClient: true,
        settings: { maxRecords: 7, chunkSize: 5 },
        wrapOutbox: (outbox) => ({
          ...outbox,
          storePreview: async (runId, preview) => {
            events.push(`preview ${preview.recordCount}`);
            await outbox.storePreview(runId, preview);
          },
        }),
      });
      const counts: { done: number; total: number | undefined }[] = [];
      const summary = await service.run({
        dryRun: true, onProgress: (line) => { if (line.startsWith('due ')) events.push('chunk'); }, progress: (e) => counts.push(e),
      });
      // Progress counts people, one event per chunk, up to every due person of a total known from the first page on.
      expect(counts.length).to.equal(events.filter((e) => e === 'chunk').length);
      expect(counts.at(-1)).to.deep.equal({ done: summary.due, total: summary.due });
      expect(counts.every((c, i) => i === 0 || c.done > counts[i - 1]!.done)).to.equal(true);
      const previews = events.filter((e) => e.startsWith('preview')).map((e) => Number(e.split(' ')[1]));
      expect(previews.reduce((a, b) => a + b, 0)).to.equal(summary.queued);
      expect(previews.slice(0, -1).every((n) => n === 7), previews.join(',')).to.equal(true);
      // Memory stays at about a packet: the first preview is stored while chunks are still being read.
      expect(events.indexOf('preview 7')).to.be.lessThan(events.lastIndexOf('chunk'));
      expect(await count(w, 'csdl_gateway.packets')).to.equal(0);
      expect(await count(w, 'csdl_gateway.record_versions')).to.equal(0);
      expect((await w.ledger()).packets.total).to.equal(0);
    });

    it('first full sync: every valid approved person accepted once; invalid ones recorded with errors, never sent', async function () {
      const { service } = w.service();
      const summary = await service.run();
      expect(summary).to.include({ skipped: false, accepted: validApproved.length, rejected: 0, stale: 0, packetsFailed: 0 });
      expect(summary.packetsBuilt).to.equal(Math.ceil(validApproved.length / 50));
      const ledger = await w.ledger();
      expect(ledger.acceptances).to.deep.include({ total: validApproved.length, versions: validApproved.length, repeated: [] });
      expect(ledger.officials).to.deep.include({ held: validApproved.length });
      const person12 = await w.store.db.query<{ status: string; errors: { code: string; path: string }[] }>(
        `SELECT status, errors FROM csdl_gateway.record_versions WHERE vendor_id = '12'`,
      );
      expect(person12.rows).to.have.length(1);
      expect(person12.rows[0]?.status).to.equal('invalid');
      expect(person12.rows[0]?.errors.map((e) => [e.code, e.path])).to.deep.equal([['SALARY_MISMATCH', '/luong/heSo']]);
      const never = await w.ledger(PERSON_12_CCCD);
      expect([never.held, never.results]).to.deep.equal([null, []]);
      // The two who left service went as archive records.
      for (const id of [5, 7]) {
        const history = await w.ledger(SAMPLE_CCCD[id]);
        expect(history.held.archived, `person ${id}`).to.equal(true);
        expect(history.acceptances.map((a: { operation: string }) => a.operation)).to.deep.equal(['archive']);
      }
      expect(await count(w, `csdl_gateway.packets WHERE status <> 'done'`)).to.equal(0);
    });

    it('nothing due: a second run sends nothing and builds no packet', async function () {
      const packets = await count(w, 'csdl_gateway.packets');
      const summary = await w.service().service.run();
      expect(summary).to.include({ due: 0, queued: 0, packetsBuilt: 0, packetsSent: 0, accepted: 0 });
      expect(await count(w, 'csdl_gateway.packets')).to.equal(packets);
      expect((await w.ledger()).acceptances.total).to.equal(validApproved.length);
    });

    it('incremental: after an edit and a new approval of one person, only that person is sent', async function () {
      const at = await w.approveAgain(1, { edit: 'Số 5, phường Liên Bảo, Vĩnh Phúc' });
      const summary = await w.service().service.run();
      expect(summary).to.include({ due: 1, queued: 1, packetsBuilt: 1, accepted: 1 });
      const history = await w.ledger(SAMPLE_CCCD[1]);
      expect(history.acceptances.map((a: { approvedAt: string }) => Date.parse(a.approvedAt))).to.deep.equal([Date.parse('2026-10-21T09:11:00+07:00'), Date.parse(at)]);
      expect((await w.ledger()).acceptances.total).to.equal(validApproved.length + 1);
    });

    it('archived: a person retired (NGHI_HUU, ngay_nghi) and approved goes as an accepted archive record', async function () {
      await w.source.db.query(`UPDATE qlcb.can_bo SET trang_thai = 'NGHI_HUU', ngay_nghi = '2026-11-01' WHERE id = 2`);
      await w.approveAgain(2);
      const summary = await w.service().service.run();
      expect(summary).to.include({ due: 1, accepted: 1 });
      const version = await w.store.db.query(`SELECT operation, status FROM csdl_gateway.record_versions WHERE vendor_id = '2' ORDER BY id DESC LIMIT 1`);
      expect(version.rows).to.deep.equal([{ operation: 'archive', status: 'accepted' }]);
      const history = await w.ledger(SAMPLE_CCCD[2]);
      expect(history.held.archived).to.equal(true);
      expect(history.acceptances.map((a: { operation: string }) => a.operation)).to.deep.equal(['upsert', 'archive']);
    });

    it('unchanged: a new approval of the same data is recorded unchanged and not sent', async function () {
      await w.approveAgain(3);
      const summary = await w.service().service.run();
      expect(summary).to.include({ due: 1, unchanged: 1, queued: 0, packetsBuilt: 0, packetsSent: 0 });
      const version = await w.store.db.query(`SELECT status, packet_id FROM csdl_gateway.record_versions WHERE vendor_id = '3' ORDER BY id DESC LIMIT 1`);
      expect(version.rows).to.deep.equal([{ status: 'unchanged', packet_id: null }]);
      expect((await w.ledger(SAMPLE_CCCD[3])).acceptances).to.have.length(1);
    });

    it('--dry-run builds a signed preview and sends nothing; the next real run sends the change', async function () {
      await w.approveAgain(4, { edit: 'Bản Mòng, xã Chiềng Ban, Sơn La' });
      const before = { packets: await count(w, 'csdl_gateway.packets'), versions: await count(w, 'csdl_gateway.record_versions'), ledger: (await w.ledger()).packets.total };
      const summary = await w.service({ noClient: true }).service.run({ dryRun: true });
      expect(summary).to.include({ due: 1, queued: 1, packetsBuilt: 1, packetsSent: 0, accepted: 0 });
      const previews = await w.store.db.query<{ record_count: number; envelope: Buffer }>('SELECT record_count, envelope FROM csdl_gateway.packet_previews WHERE sync_run_id = (SELECT max(id) FROM csdl_gateway.sync_runs)');
      expect(previews.rows.map((p) => p.record_count)).to.deep.equal([1]);
      const envelope = JSON.parse(previews.rows[0]!.envelope.toString('utf8')) as { format: string; payload: string; signature: string };
      expect(envelope.format).to.equal('json');
      const payload = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as { records: { soDinhDanh: string }[] };
      expect(payload.records.map((r) => r.soDinhDanh)).to.deep.equal([SAMPLE_CCCD[4]]);
      expect(envelope.signature.length).to.be.greaterThan(100);
      expect({ packets: await count(w, 'csdl_gateway.packets'), versions: await count(w, 'csdl_gateway.record_versions'), ledger: (await w.ledger()).packets.total })
        .to.deep.equal(before);

      const real = await w.service().service.run();
      expect(real).to.include({ due: 1, accepted: 1 });
      expect((await w.ledger(SAMPLE_CCCD[4])).acceptances).to.have.length(2);
    });

    it('two run() at once on one service: one runs, the other is skipped', async function () {
      await w.approveAgain(6, { edit: 'Tổ 3, phường Tân Thịnh, Hòa Bình' });
      const { service } = w.service();
      const [a, b] = await Promise.all([service.run(), service.run()]);
      expect([a.skipped, b.skipped].sort()).to.deep.equal([false, true]);
      expect(a.accepted + b.accepted).to.equal(1);
      expect((await w.ledger()).acceptances.repeated).to.deep.equal([]);
    });
  });
}
