import { expect } from 'chai';
import { entryHash } from '../../src/audit/audit-chain.js';
import { exportCheckpoint } from '../../src/audit/audit-checkpoint.js';
import { createAuditLog } from '../../src/audit/audit-log.js';
import { readChainPage } from '../../src/audit/audit-store.js';
import { verifyAuditLog, type AuditVerifyReport } from '../../src/audit/audit-verify.js';
import type { Queryable } from '../../src/db/db.js';
import { BACKENDS, type TestDatabase } from '../setup/databases.js';
import { auditPki, migratedStore, shareRead } from './audit-fixture.js';

/**
 * `audit verify` against what a DBA can do with plain SQL once the append-only triggers are
 * off (the triggers stop the gateway, not a superuser): each tampering runs in a transaction
 * that is verified and then rolled back, so every case starts from the same intact log of 30
 * entries with signed checkpoints at 10, 20 and 30.
 */
const L = 'csdl_gateway.audit_log';

class Rollback extends Error {}

/** Recomputes the hashes of every entry from `fromSeq` on, as a DBA covering an edit would. */
async function relinkFrom(tx: Queryable, fromSeq: number): Promise<void> {
  const rows = await readChainPage(tx, 0, 1000);
  let prev = rows[fromSeq - 2]?.hash;
  for (const row of rows.slice(fromSeq - 1)) {
    const relinked = { ...row, prevHash: prev ?? row.prevHash };
    relinked.hash = entryHash(relinked);
    await tx.query(`UPDATE ${L} SET prev_hash = $2, hash = $3 WHERE seq = $1`, [row.seq, relinked.prevHash, relinked.hash]);
    prev = relinked.hash;
  }
}

const TAMPERINGS: { what: string; sql: (tx: Queryable) => Promise<void>; kind: string; seq?: number }[] = [
  {
    what: 'an edited entry',
    sql: (tx) => tx.query(`UPDATE ${L} SET purpose = 'Mục đích khác' WHERE seq = 7`).then(() => undefined),
    kind: 'edited', seq: 7,
  },
  {
    what: 'an edited entry whose hash was recomputed',
    sql: async (tx) => {
      await tx.query(`UPDATE ${L} SET actor_name = 'someone-else' WHERE seq = 7`);
      const [row] = await readChainPage(tx, 6, 1);
      await tx.query(`UPDATE ${L} SET hash = $1 WHERE seq = 7`, [entryHash(row!)]);
    },
    kind: 'relinked', seq: 7,
  },
  { what: 'a deleted entry', sql: (tx) => tx.query(`DELETE FROM ${L} WHERE seq = 12`).then(() => undefined), kind: 'deleted', seq: 12 },
  {
    what: 'two entries swapped',
    sql: async (tx) => {
      await tx.query(`UPDATE ${L} SET seq = -8 WHERE seq = 8`);
      await tx.query(`UPDATE ${L} SET seq = 8 WHERE seq = 9`);
      await tx.query(`UPDATE ${L} SET seq = 9 WHERE seq = -8`);
    },
    kind: 'reordered', seq: 8,
  },
  { what: 'a truncated tail', sql: (tx) => tx.query(`DELETE FROM ${L} WHERE seq > 25`).then(() => undefined), kind: 'truncated', seq: 26 },
  {
    what: 'a chain rewritten with recomputed hashes',
    sql: async (tx) => {
      await tx.query(`UPDATE ${L} SET purpose = 'Mục đích khác' WHERE seq = 15`);
      await relinkFrom(tx, 15);
    },
    kind: 'rewritten', seq: 11,
  },
  {
    what: 'a checkpoint whose statement was changed',
    sql: (tx) => tx.query(`UPDATE csdl_gateway.audit_checkpoints SET payload = convert_to(replace(convert_from(payload, 'UTF8'), '"count":20', '"count":19'), 'UTF8')`).then(() => undefined),
    kind: 'checkpoint_invalid',
  },
  {
    what: 'a checkpoint whose columns were changed',
    sql: (tx) => tx.query('UPDATE csdl_gateway.audit_checkpoints SET entry_count = 25 WHERE entry_count = 30').then(() => undefined),
    kind: 'checkpoint_invalid',
  },
];

for (const backend of BACKENDS) {
  describe(`audit verify on ${backend}: tampering with plain SQL`, function () {
    this.timeout(60_000);
    const pki = auditPki();
    let t: TestDatabase;
    let exported: { source: string; payload: Buffer; signature: Buffer };

    before(async function () {
      t = await migratedStore(backend);
      const log = createAuditLog(t.db, { signer: pki.signer, checkpointEvery: 10 });
      for (let group = 0; group < 3; group += 1) {
        await Promise.all(Array.from({ length: 10 }, (_, i) => log.append(shareRead(group * 10 + i))));
      }
      const file = exportCheckpoint(await log.checkpoint());
      exported = { source: 'kept.json', payload: Buffer.from(file.payload, 'base64'), signature: Buffer.from(file.signature, 'base64') };
      await log.close();
    });
    after(async function () {
      await t?.drop();
    });

    /** Tampers as a DBA (triggers off), verifies in the same transaction, rolls back. */
    async function verifyTampered(
      tamper: (tx: Queryable) => Promise<void>,
      options: { external?: boolean; disable?: 'replica' | 'alter' } = {},
    ): Promise<AuditVerifyReport> {
      let report: AuditVerifyReport | undefined;
      await t.db.transaction(async (tx) => {
        if (options.disable === 'alter') {
          await tx.query(`ALTER TABLE ${L} DISABLE TRIGGER ALL`);
          await tx.query('ALTER TABLE csdl_gateway.audit_checkpoints DISABLE TRIGGER ALL');
        } else {
          await tx.query('SET LOCAL session_replication_role = replica');
        }
        await tamper(tx);
        report = await verifyAuditLog(tx, { trust: pki.trust, pageSize: 7, ...(options.external ? { external: [exported] } : {}) });
        throw new Rollback();
      }).catch((err: unknown) => {
        if (!(err instanceof Rollback)) throw err;
      });
      return report!;
    }

    it('passes the intact log against the store\'s checkpoints and the kept file', async function () {
      const report = await verifyAuditLog(t.db, { trust: pki.trust, external: [exported] });
      expect(report).to.include({ ok: true, entries: 30, checkpoints: 5 });
    });

    for (const [i, c] of TAMPERINGS.entries()) {
      it(`catches ${c.what}`, async function () {
        const report = await verifyTampered(c.sql, { disable: i % 2 === 0 ? 'replica' : 'alter' });
        expect(report.ok).to.equal(false);
        expect(report.problem?.kind, report.problem?.message).to.equal(c.kind);
        if (c.seq !== undefined) expect(report.problem?.seq, report.problem?.message).to.equal(c.seq);
      });
    }

    it('catches a rewritten tail whose checkpoints were deleted too, with the file kept outside', async function () {
      const tamper = async (tx: Queryable) => {
        await tx.query(`UPDATE ${L} SET purpose = 'Mục đích khác' WHERE seq = 22`);
        await relinkFrom(tx, 22);
        await tx.query('DELETE FROM csdl_gateway.audit_checkpoints WHERE entry_count > 20');
      };
      expect((await verifyTampered(tamper)).ok, 'the store alone cannot tell').to.equal(true);
      const report = await verifyTampered(tamper, { external: true });
      expect(report.problem).to.include({ kind: 'rewritten', seq: 21 });
      expect(report.problem?.message).to.include('kept.json');
    });

    it('catches a checkpoint signed by a key the trust anchors do not know', async function () {
      const other = auditPki(true);
      const report = await verifyAuditLog(t.db, { trust: other.trust });
      expect(report.problem?.kind).to.equal('checkpoint_invalid');
      expect(report.problem?.message).to.match(/signature does not verify/);
    });
  });
}
