import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { createAuditLog } from '../../src/audit/audit-log.js';
import { verifyAuditLog } from '../../src/audit/audit-verify.js';
import { createDb } from '../../src/db/db.js';
import { paths } from '../../src/paths.js';
import type { TestDatabase } from '../setup/databases.js';
import { auditPki, migratedStore, shareRead } from './audit-fixture.js';

/** The README's SQL for the gateway's role, with another role name. */
function readmeGrants(role: string): string[] {
  const readme = readFileSync(join(paths.root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The audit log'));
  const block = /```sql\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block.split('\n').filter((l) => !l.startsWith('--') && l.trim()).join('\n')
    .split(';').map((s) => s.trim().replace(/\bgateway$/, role)).filter(Boolean);
}

describe("audit log: the README's grants leave the gateway's role INSERT and SELECT only (postgres)", function () {
  this.timeout(60_000);
  const pki = auditPki();
  const role = `gw_audit_${process.pid}`;
  let t: TestDatabase;
  after(async function () {
    if (!t) return;
    await t.db.query(`DROP OWNED BY ${role}`).catch(() => undefined);
    await t.drop();
    const admin = createDb(process.env.TEST_DATABASE_URL ?? t.url, { max: 1 });
    await admin.query(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
    await admin.close();
  });

  it('appends and checkpoints, and is refused every way of rewriting the log', async function () {
    t = await migratedStore('postgres');
    await t.db.query(`CREATE ROLE ${role} LOGIN`);
    const grants = readmeGrants(role);
    expect(grants.join('\n')).to.include(`GRANT SELECT, INSERT ON csdl_gateway.audit_log TO ${role}`);
    for (const sql of grants) await t.db.query(sql);

    const url = new URL(t.url);
    url.username = role;
    const db = createDb(url.toString(), { max: 2 });
    try {
      const log = createAuditLog(db, { signer: pki.signer, checkpointEvery: 2 });
      await Promise.all([1, 2, 3].map((i) => log.append(shareRead(i))));
      await log.checkpoint();
      await log.close();
      for (const sql of [
        'UPDATE csdl_gateway.audit_log SET purpose = NULL',
        'DELETE FROM csdl_gateway.audit_log',
        'TRUNCATE csdl_gateway.audit_log',
        'DELETE FROM csdl_gateway.audit_checkpoints',
        'SET session_replication_role = replica',
        'ALTER TABLE csdl_gateway.audit_log DISABLE TRIGGER ALL',
      ]) {
        const outcome = await db.query(sql).then(() => 'allowed', (err: Error) => err.message);
        expect(outcome, sql).to.match(/permission denied|must be owner/);
      }
      expect(await verifyAuditLog(db, { trust: pki.trust })).to.include({ ok: true, entries: 3 });
    } finally {
      await db.close();
    }
  });
});
