import { expect } from 'chai';
import { GENESIS_HASH } from '../../src/audit/audit-chain.js';
import { exportCheckpoint } from '../../src/audit/audit-checkpoint.js';
import { createAuditLog } from '../../src/audit/audit-log.js';
import { auditStats, listCheckpoints, listEntries, personEntries } from '../../src/audit/audit-store.js';
import { verifyAuditLog } from '../../src/audit/audit-verify.js';
import type { Db } from '../../src/db/db.js';
import { BACKENDS, type TestDatabase } from '../setup/databases.js';
import { auditPki, codeOf, migratedStore, person, settleAfterError, shareRead } from './audit-fixture.js';

/** The Db, counting the transactions it runs: group commit means fewer than appends. */
function countingDb(db: Db): Db & { transactions: number } {
  const counted = {
    ...db,
    transactions: 0,
    transaction: <T>(fn: Parameters<Db['transaction']>[0], options?: Parameters<Db['transaction']>[1]) => {
      counted.transactions += 1;
      return db.transaction(fn as never, options) as Promise<T>;
    },
  };
  return counted as Db & { transactions: number };
}

for (const backend of BACKENDS) {
  describe(`audit log on ${backend}`, function () {
    this.timeout(60_000);
    const pki = auditPki();
    let t: TestDatabase;
    before(async function () {
      t = await migratedStore(backend);
    });
    after(async function () {
      await t?.drop();
    });

    it('writes concurrent appends in batches, one chain, with a signed checkpoint per multiple crossed', async function () {
      const db = countingDb(t.db);
      const log = createAuditLog(db, { signer: pki.signer, checkpointEvery: 50 });
      await Promise.all(Array.from({ length: 60 }, (_, i) => log.append(shareRead(i))));
      await Promise.all(Array.from({ length: 60 }, (_, i) => log.append(shareRead(60 + i))));
      expect(db.transactions).to.be.lessThan(20);

      const stats = await auditStats(t.db);
      expect(stats.entries).to.equal(120);
      const checkpoints = await listCheckpoints(t.db);
      expect(checkpoints.map((c) => c.count)).to.deep.equal([60, 120]);
      expect(stats.lastCheckpointCount).to.equal(120);
      expect(stats.lastCheckpointAt?.getTime()).to.equal(checkpoints[1]!.signedAt.getTime());

      const checked: { done: number; total: number | undefined }[] = [];
      const report = await verifyAuditLog(t.db, { trust: pki.trust, pageSize: 35, progress: (e) => checked.push(e) });
      expect(checked).to.deep.equal([35, 70, 105, 120].map((done) => ({ done, total: 120 })));
      expect(report).to.include({ ok: true, entries: 120, checkpoints: 2 });
      expect(report.head).to.equal(checkpoints[1]!.head);
      await log.close();
    });

    it('writes a checkpoint on demand, which exports as verifiable JSON', async function () {
      const log = createAuditLog(t.db, { signer: pki.signer });
      const signed = await log.checkpoint();
      expect(signed.statement.count).to.equal(120);
      const exported = exportCheckpoint(signed);
      expect(exported).to.include({ count: 120, sender: '000.00.00.H62' });
      expect(Buffer.from(exported.payload, 'base64').equals(signed.payload)).to.equal(true);
      await log.close();
    });

    it('lists newest first with filters, and finds every entry naming a person', async function () {
      const newest = await listEntries(t.db, { limit: 3 });
      expect(newest.map((e) => e.seq)).to.deep.equal([120, 119, 118]);
      const next = await listEntries(t.db, { limit: 2, beforeSeq: 118 });
      expect(next.map((e) => e.seq)).to.deep.equal([117, 116]);
      const byActor = await listEntries(t.db, { actor: '000.00.00.G15', limit: 1000 });
      expect(byActor).to.have.length(60);
      expect(byActor.every((e) => e.actorName === '000.00.00.G15')).to.equal(true);
      const forPerson = await personEntries(t.db, person(7), undefined);
      // i % 50 === 7 for i in 0..119: 7, 57, 107.
      expect(forPerson.map((e) => e.requestId)).to.deep.equal(['req-7', 'req-57', 'req-107']);
      expect(forPerson[0]).to.include({ action: 'share.official.read', purpose: 'Xác minh thuế thu nhập cá nhân' });
      expect(forPerson[0]!.fieldGroups).to.deep.equal(['basic', 'employment']);
      expect(await personEntries(t.db, person(7), new Date(Date.now() + 60_000))).to.deep.equal([]);
    });

    it('refuses UPDATE, DELETE and TRUNCATE on the log and its checkpoints', async function () {
      for (const sql of [
        "UPDATE csdl_gateway.audit_log SET purpose = 'x' WHERE seq = 1",
        'DELETE FROM csdl_gateway.audit_log WHERE seq = 2',
        'TRUNCATE csdl_gateway.audit_log',
        'UPDATE csdl_gateway.audit_checkpoints SET entry_count = 1',
        'DELETE FROM csdl_gateway.audit_checkpoints',
      ]) {
        const message = await t.db.query(sql).then(() => 'allowed', (err: Error) => err.message);
        expect(message, sql).to.match(/append-only/);
        await settleAfterError(t.db);
      }
      expect((await auditStats(t.db)).entries).to.equal(120);
    });

    it('refuses a malformed entry and appends after close, with typed errors', async function () {
      const log = createAuditLog(t.db);
      expect(await codeOf(log.append({ ...shareRead(1), action: '' }))).to.equal('audit.invalid_entry');
      expect(await codeOf(log.append({ ...shareRead(1), outcome: 'maybe' as never }))).to.equal('audit.invalid_entry');
      expect(await codeOf(log.checkpoint())).to.equal('audit.no_signer');
      await log.close();
      expect(await codeOf(log.append(shareRead(1)))).to.equal('audit.closed');
    });
  });
}

describe('audit log: a failed batch', function () {
  it('rejects every append of the batch with audit.append_failed and keeps appending afterwards', async function () {
    let fail = true;
    const written: number[] = [];
    const db = {
      async transaction(fn: (tx: unknown) => Promise<unknown>) {
        if (fail) throw new Error('connection reset');
        return fn({
          query: async (text: string, values?: unknown[]) => {
            if (text.includes('INSERT INTO')) written.push(...(JSON.parse(values![0] as string) as { seq: number }[]).map((r) => r.seq));
            return text.includes('pg_advisory_xact_lock') ? [{ rows: [{}] }, { rows: [] }] : { rows: [] };
          },
        });
      },
    } as unknown as Db;
    const log = createAuditLog(db);
    const codes = await Promise.all([codeOf(log.append(shareRead(1))), codeOf(log.append(shareRead(2)))]);
    expect(codes).to.deep.equal(['audit.append_failed', 'audit.append_failed']);
    fail = false;
    await log.append(shareRead(3));
    expect(written).to.deep.equal([1]);
    expect(GENESIS_HASH).to.have.length(64);
  });
});
