import { expect } from 'chai';
import { createAuditLog } from '../../src/audit/audit-log.js';
import { listCheckpoints, readChainPage } from '../../src/audit/audit-store.js';
import { verifyAuditLog } from '../../src/audit/audit-verify.js';
import { createDb } from '../../src/db/db.js';
import { BACKENDS, type TestDatabase } from '../setup/databases.js';
import { auditPki, migratedStore, shareRead } from './audit-fixture.js';

/**
 * The chain at scale and across processes: two audit logs on two pools over one database
 * (two gateway processes on a shared store) keep ONE chain; and verify checks 100,000 entries
 * (its time is measured in bench/audit.bench.ts, not asserted here).
 */
describe('audit log: two pools on one store append concurrently to one chain (postgres)', function () {
  this.timeout(60_000);
  const pki = auditPki();
  let t: TestDatabase;
  after(async function () {
    await t?.drop();
  });

  it('numbers every entry once, links them in one chain, and signs checkpoints both can verify', async function () {
    t = await migratedStore('postgres');
    const pools = [createDb(t.url, { max: 3 }), createDb(t.url, { max: 3 })];
    try {
      const logs = pools.map((db) => createAuditLog(db, { signer: pki.signer, checkpointEvery: 100, maxBatch: 7 }));
      await Promise.all(logs.flatMap((log, p) => Array.from({ length: 300 }, (_, i) => log.append(shareRead(i, { requestId: `p${p}-${i}` })))));
      await Promise.all(logs.map((log) => log.close()));
    } finally {
      await Promise.all(pools.map((db) => db.close()));
    }
    const entries = await readChainPage(t.db, 0, 1000);
    expect(entries.map((e) => e.seq)).to.deep.equal(Array.from({ length: 600 }, (_, i) => i + 1));
    const fromEach = (p: number) => entries.filter((e) => e.requestId?.startsWith(`p${p}-`)).length;
    expect([fromEach(0), fromEach(1)]).to.deep.equal([300, 300]);
    // The two writers took turns on the chain's lock: each wrote before the other had finished.
    // (Not "both among the first 100": on a loaded machine one pool may connect after the other's
    // first fifteen batches, which says nothing about the chain.)
    const seqsOf = (p: number) => entries.filter((e) => e.requestId?.startsWith(`p${p}-`)).map((e) => e.seq);
    const [first0, last0, first1, last1] = [Math.min(...seqsOf(0)), Math.max(...seqsOf(0)), Math.min(...seqsOf(1)), Math.max(...seqsOf(1))];
    expect(first1 < last0 && first0 < last1, 'the two pools wrote one after the other, never in turn').to.equal(true);
    expect((await listCheckpoints(t.db)).length).to.be.at.least(6);
    expect(await verifyAuditLog(t.db, { trust: pki.trust })).to.include({ ok: true, entries: 600 });
  });
});

for (const backend of BACKENDS) {
  describe(`audit verify over 100,000 entries (${backend})`, function () {
    this.timeout(120_000);
    const pki = auditPki();
    let t: TestDatabase;
    after(async function () {
      await t?.drop();
    });

    it('passes the intact log and counts every entry against its checkpoints', async function () {
      t = await migratedStore(backend);
      const log = createAuditLog(t.db, { signer: pki.signer, maxBatch: 5000, checkpointEvery: 10_000 });
      await Promise.all(Array.from({ length: 100_000 }, (_, i) => log.append(shareRead(i))));
      await log.close();
      const report = await verifyAuditLog(t.db, { trust: pki.trust });
      expect(report).to.include({ ok: true, entries: 100_000, checkpoints: 10 });
    });
  });
}
