import { expect } from 'chai';
import { createAuditLog } from '../../src/audit/audit-log.js';
import { listEntries } from '../../src/audit/audit-store.js';
import { verifyAuditLog } from '../../src/audit/audit-verify.js';
import { createOutboxActionsStore } from '../../src/outbox/outbox-actions-store.js';
import { createOpsActionsService, type OpsActionsDeps } from '../../src/ops/ops-actions-service.js';
import { auditPki, storePerTest } from '../audit/audit-fixture.js';
import { quietLogger } from '../sync/sync-harness.js';

/**
 * An operator's action and its audit entry commit together or not at all, on real PostgreSQL
 * with the real audit log: a NUL in the reason no longer lets the change through without its
 * entry, and an audit store that refuses writes leaves the change undone. Settle is the action
 * whose change is one row, so the test needs no national side.
 */
const OPERATOR = { kind: 'token' as const, name: 'ops-hanh' };

describe('operator action and its audit entry: together or neither (postgres)', function () {
  this.timeout(60_000);
  const pki = auditPki();
  const t = storePerTest('postgres');

  async function rejectedVersion(vendorId: string, so: string): Promise<string> {
    const res = await t.db.query<{ id: string }>(
      `INSERT INTO csdl_gateway.record_versions (vendor_id, approval_id, so_dinh_danh, operation, approved_at, status)
       VALUES ($1, 1, $2, 'upsert', now(), 'rejected') RETURNING id::text`,
      [vendorId, so],
    );
    return res.rows[0]!.id;
  }

  function service() {
    const audit = createAuditLog(t.db);
    const deps = {
      lock: { runExclusive: <T>(fn: () => Promise<T>) => fn() },
      logger: quietLogger(),
      actions: createOutboxActionsStore(t.db),
      audit,
    } as unknown as OpsActionsDeps;
    return { audit, actions: createOpsActionsService(deps) };
  }

  const settledBy = async (id: string) =>
    (await t.db.query<{ settled_by: string | null; settle_reason: string | null }>(
      'SELECT settled_by, settle_reason FROM csdl_gateway.record_versions WHERE id = $1', [id])).rows[0]!;

  it('a reason holding a NUL: the change and its entry are both written, the text storable, the chain verifies', async function () {
    const id = await rejectedVersion('7', '026185001234');
    const { audit, actions } = service();
    await actions.settle(id, { actor: OPERATOR, requestId: 'req-nul' }, 'agreed\u0000 by phone');
    expect(await settledBy(id)).to.deep.equal({ settled_by: 'ops-hanh', settle_reason: 'agreed\uFFFD by phone' });
    const [entry] = await listEntries(t.db, { limit: 5 });
    expect(entry).to.include({ action: 'ops.record.settle', outcome: 'ok', purpose: 'agreed\uFFFD by phone', requestId: 'req-nul' });
    expect(entry!.people).to.deep.equal(['026185001234']);
    expect(await verifyAuditLog(t.db, { trust: pki.trust })).to.include({ ok: true, entries: 1 });
    await audit.close();
  });

  it('an audit store refusing writes: the action is not done, the caller is told, nothing half-written', async function () {
    const id = await rejectedVersion('8', '094195003333');
    await t.db.query(`CREATE FUNCTION public.refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit store refuses writes (test)' USING ERRCODE = 'disk_full'; END $$`);
    await t.db.query('CREATE TRIGGER refuse_audit BEFORE INSERT ON csdl_gateway.audit_log FOR EACH ROW EXECUTE FUNCTION public.refuse_audit()');
    const { audit, actions } = service();
    const err = await actions.settle(id, OPERATOR, 'agreed by phone').catch((e: unknown) => e);
    expect(err).to.include({ code: 'audit.append_failed' });
    expect(await settledBy(id)).to.deep.equal({ settled_by: null, settle_reason: null });
    expect(await listEntries(t.db, { limit: 5 })).to.have.length(0);

    // Writable again: the same action is done, with its one entry.
    await t.db.query('DROP TRIGGER refuse_audit ON csdl_gateway.audit_log');
    await actions.settle(id, OPERATOR, 'agreed by phone');
    expect((await settledBy(id)).settled_by).to.equal('ops-hanh');
    const entries = await listEntries(t.db, { limit: 5 });
    expect(entries.map((e) => `${e.action} ${e.outcome}`)).to.deep.equal(['ops.record.settle ok']);
    expect(await verifyAuditLog(t.db, { trust: pki.trust })).to.include({ ok: true, entries: 1 });
    await audit.close();
  });
});
