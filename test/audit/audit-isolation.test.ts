import { expect } from 'chai';
import { createAuditLog } from '../../src/audit/audit-log.js';
import { listEntries } from '../../src/audit/audit-store.js';
import { verifyAuditLog } from '../../src/audit/audit-verify.js';
import type { Db, Queryable } from '../../src/db/db.js';
import { auditPki, codeOf, shareRead, storePerTest } from './audit-fixture.js';

/**
 * One entry cannot fail the others: text PostgreSQL cannot store is made storable before the
 * entry is hashed, a batch the store refuses for one row is split until that row fails alone,
 * and an entry written inside a caller's transaction lives or dies with it. Real PostgreSQL.
 */
/** The store, refusing (22P05, as PostgreSQL does for a NUL) any INSERT whose batch holds `poison`. */
function poisonedDb(db: Db, poison: string): Db & { refused: number } {
  const wrapped = {
    ...db,
    refused: 0,
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) => db.transaction((tx) => fn({
      query: (text: string, values?: unknown[]) => {
        if (text.includes('INSERT INTO') && typeof values?.[0] === 'string' && values[0].includes(poison)) {
          wrapped.refused += 1;
          return Promise.reject(Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' }));
        }
        return tx.query(text, values);
      },
    } as Queryable)),
  };
  return wrapped as unknown as Db & { refused: number };
}

describe('audit log: one entry never fails another', function () {
  this.timeout(60_000);
  const pki = auditPki();
  const t = storePerTest('postgres');

  it('stores a NUL and lone surrogates as U+FFFD, in the same batch as clean entries, and the chain verifies', async function () {
    const log = createAuditLog(t.db);
    await Promise.all([
      log.append(shareRead(1)),
      log.append(shareRead(2, { purpose: 'sửa\u0000lỗi \uD800 và \uDC00' })),
      log.append(shareRead(3, { actor: { kind: 'token', name: 'op\u0000' }, requestId: 'r\uDBFF' })),
      log.append(shareRead(4)),
    ]);
    const entries = (await listEntries(t.db, { limit: 10 })).reverse();
    expect(entries.map((e) => e.seq)).to.deep.equal([1, 2, 3, 4]);
    expect(entries[1]!.purpose).to.equal('sửa\uFFFDlỗi \uFFFD và \uFFFD');
    expect(entries[2]!.actorName).to.equal('op\uFFFD');
    expect(entries[2]!.requestId).to.equal('r\uFFFD');
    expect(await verifyAuditLog(t.db, { trust: pki.trust })).to.include({ ok: true, entries: 4 });
    // The HTTP layer asks this before auditing a refusal a route may have audited already.
    expect([log.hasEntryFor('req-2'), log.hasEntryFor('req-99')]).to.deep.equal([true, false]);
    await log.close();
  });

  it('retries a refused batch without its offender: only that append fails, every other is written once', async function () {
    const db = poisonedDb(t.db, 'POISON');
    const log = createAuditLog(db);
    const codes = await Promise.all(Array.from({ length: 40 }, (_, i) =>
      codeOf(log.append(shareRead(i, i === 17 ? { purpose: 'POISON' } : {})))));
    expect(codes.filter((c) => c !== undefined)).to.deep.equal(['audit.append_failed']);
    expect(codes[17]).to.equal('audit.append_failed');
    expect(db.refused).to.be.greaterThan(0);
    const entries = await listEntries(t.db, { limit: 100 });
    expect(entries).to.have.length(39);
    expect(new Set(entries.map((e) => e.requestId)).size).to.equal(39);
    expect(entries.some((e) => e.purpose === 'POISON')).to.equal(false);
    expect(await verifyAuditLog(t.db, { trust: pki.trust })).to.include({ ok: true, entries: 39 });
    await log.close();
  });

  it('writes an entry within a caller\'s transaction: rolled back with it, committed with it, one chain with the group writer', async function () {
    const log = createAuditLog(t.db);
    await log.append(shareRead(1));
    const failed = t.db.transaction(async (tx) => {
      await log.appendWithin(tx, shareRead(2, { action: 'ops.person.resend' }));
      throw new Error('the action failed after its entry');
    });
    await failed.then(() => expect.fail('the transaction committed'), (err: Error) => expect(err.message).to.match(/failed after its entry/));
    await Promise.all([
      t.db.transaction((tx) => log.appendWithin(tx, shareRead(3, { action: 'ops.person.resend' }))),
      log.append(shareRead(4)),
      log.append(shareRead(5)),
    ]);
    const entries = (await listEntries(t.db, { limit: 10 })).reverse();
    expect(entries.map((e) => e.requestId).sort()).to.deep.equal(['req-1', 'req-3', 'req-4', 'req-5']);
    expect(entries.map((e) => e.seq)).to.deep.equal([1, 2, 3, 4]);
    expect(await verifyAuditLog(t.db, { trust: pki.trust })).to.include({ ok: true, entries: 4 });
    await log.close();
  });
});
