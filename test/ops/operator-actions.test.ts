import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createHttpApp } from '../../src/http/http-app.js';
import { opsActionsOpenApi } from '../../src/ops/ops-actions-openapi.js';
import { opsActionsRouter } from '../../src/ops/ops-actions-router.js';
import type { AuditActor } from '../../src/audit/audit-entry.js';
import { bearerFor, fakeTokens } from '../http/fake-tokens.js';
import { OTHER_PROVINCE, record } from '../simulator/simulator-harness.js';
import { BACKENDS } from '../setup/databases.js';
import { quietLogger, startSyncWorld, type SyncWorld } from '../sync/sync-harness.js';
import { actionsOver } from './actions-world.js';

/**
 * An operator's day against the national simulator (docs/decisions/outbox.md, "Operators'
 * actions"): a packet rejected in part (two numbers another province holds), a packet failed
 * by 503s (stays pending), one refused whole with a 400; the operator lists them and reads
 * why, retries, fixes a person's salary in the provincial database and approves it again (the
 * next sync sends it with no action), re-sends a person once the other province archived its
 * copy, settles one handled outside, and the failing count returns to zero. The provincial
 * sample: persons 1-9 valid and approved, person 12 invalid (SALARY_MISMATCH).
 */
const CCCD: Record<number, string> = { 1: '026185001234', 2: '026079004321', 3: '026190007777', 6: '017192000888', 8: '094195003333', 12: '008190001111' };
const OPERATOR: AuditActor = { kind: 'token', name: 'ops-hanh' };
const FIVE_503 = [{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }];

for (const backend of BACKENDS) {
  describe(`operators' actions end to end (store on ${backend})`, function () {
    this.timeout(120_000);
    let w: SyncWorld;

    before(async function () {
      w = await startSyncWorld({ storeBackend: backend });
    });
    after(async function () {
      await w?.close();
    });
    afterEach(function () {
      w?.sim.sim.faults.reset();
    });

    async function envelopeSha(packetId: string): Promise<string> {
      const res = await w.store.db.query<{ envelope: Buffer }>('SELECT envelope FROM csdl_gateway.packets WHERE packet_id = $1', [packetId]);
      return createHash('sha256').update(res.rows[0]!.envelope).digest('hex');
    }

    async function latest(vendorId: number): Promise<{ id: string; status: string; resend: number; packet_id: string | null }> {
      const res = await w.store.db.query<{ id: string; status: string; resend: number; packet_id: string | null }>(
        `SELECT id::text, status, resend, packet_id::text FROM csdl_gateway.record_versions WHERE vendor_id = $1
          ORDER BY approval_id DESC, resend DESC LIMIT 1`,
        [String(vendorId)],
      );
      return res.rows[0]!;
    }

    async function seedHeldElsewhere(so: string, ngaySinh: string, archived: boolean, approvedAt: string): Promise<void> {
      const held = record(1).data;
      held.soDinhDanh = so;
      held.ngaySinh = ngaySinh;
      await w.sim.sim.simulator.seedOfficial({ soDinhDanh: so, sender: OTHER_PROVINCE, approvedAt, archived, record: held });
      // seedOfficial stores approvedAt's text as PostgreSQL prints a timestamptz, which the
      // simulator's RFC 3339 comparison then refuses: put back the text as given.
      await w.sim.db.query('UPDATE csdl_simulator.officials SET approved_at_text = $2 WHERE so_dinh_danh = $1', [so, approvedAt]);
    }

    it('rejected in part: two numbers held by another province are rejected, person 12 invalid; three failing, with their reasons', async function () {
      await seedHeldElsewhere(CCCD[6]!, '1992-10-10', false, '2026-01-05T09:00:00+07:00');
      await seedHeldElsewhere(CCCD[8]!, '1995-08-15', false, '2026-01-05T09:00:00+07:00');
      const summary = await w.service().service.run();
      expect(summary).to.include({ accepted: 7, rejected: 2, invalid: 1 });
      const { ops } = actionsOver(w);
      expect(await ops.failingCount()).to.equal(3);
      const failing = await ops.failingVersions();
      const why = Object.fromEntries(failing.map((f) => [f.soDinhDanh, `${f.status} ${f.errors.map((e) => `${e.code} ${e.path}`).join(', ')}`]));
      expect(why).to.deep.equal({
        [CCCD[6]!]: 'rejected DUPLICATE_IDENTITY /soDinhDanh',
        [CCCD[8]!]: 'rejected DUPLICATE_IDENTITY /soDinhDanh',
        [CCCD[12]!]: 'invalid SALARY_MISMATCH /luong/heSo',
      });
    });

    let refused = '';
    let unavailable = '';

    it('a packet refused whole with a 400 and one failed by 503s: the operator finds both, with their reasons', async function () {
      await w.approveAgain(1, { edit: 'Số 7, phường Liên Bảo, Vĩnh Phúc' });
      await w.approveAgain(2, { edit: 'Số 9, phường Đống Đa, Vĩnh Phúc' });
      w.sim.sim.faults.scriptNext('push', { status: 400, body: { code: 'SCHEMA_INVALID', message: 'header.approval missing' } }, ...FIVE_503);
      const summary = await w.service({ settings: { maxRecords: 1 } }).service.run();
      expect(summary).to.include({ packetsBuilt: 2, packetsFailed: 1, packetsPending: 1, accepted: 0 });
      const needing = await actionsOver(w).ops.packetsNeedingAction();
      expect(needing.map((p) => [p.status, p.nationalCode, p.inPacket])).to.deep.equal([['failed', 'SCHEMA_INVALID', 1], ['pending', undefined, 1]]);
      expect(needing[1]!.lastError).to.match(/^ndxp\.http_503/);
      [refused, unavailable] = [needing[0]!.packetId, needing[1]!.packetId];
      expect((await latest(1)).packet_id).to.equal(refused);
      expect((await latest(2)).packet_id).to.equal(unavailable);
    });

    it('retry of the pending packet posts the same stored bytes again, and its record is accepted', async function () {
      const before = await envelopeSha(unavailable);
      const { actions, audit } = actionsOver(w);
      const result = await actions.retry(unavailable, OPERATOR, 'NDXP back after the outage');
      expect(result.packets).to.deep.equal([{ packetId: unavailable, send: 'sent', receipt: 'landed' }]);
      expect(result.summary).to.include({ accepted: 1 });
      expect(await envelopeSha(unavailable)).to.equal(before);
      const pushes = await w.store.db.query<{ http_status: number }>(
        `SELECT http_status FROM csdl_gateway.send_attempts WHERE packet_id = $1 AND operation = 'push' ORDER BY id`, [unavailable]);
      expect(pushes.rows.map((r) => r.http_status)).to.deep.equal([503, 503, 503, 503, 202]);
      expect((await latest(2)).status).to.equal('accepted');
      expect(audit.entries).to.deep.equal([{
        actor: OPERATOR, action: 'ops.packet.retry', purpose: 'NDXP back after the outage', packetId: unavailable, people: [CCCD[2]], outcome: 'ok',
      }]);
    });

    it('retry of the refused packet releases its record into a new packet, the stored one untouched; a second retry is refused', async function () {
      const before = await envelopeSha(refused);
      const { actions, audit } = actionsOver(w);
      const result = await actions.retry(refused, OPERATOR, 'header fixed nationally');
      expect(result).to.include({ queued: 1, leftForNextSync: 0 });
      expect(result.packets).to.have.length(1);
      expect(result.packets[0]).to.include({ send: 'sent', receipt: 'landed' });
      expect(result.packets[0]!.packetId).to.not.equal(refused);
      expect(await envelopeSha(refused)).to.equal(before);
      const one = await latest(1);
      expect(one).to.include({ status: 'accepted', packet_id: result.packets[0]!.packetId });
      const stored = await w.store.db.query<{ status: string; released_by: string }>('SELECT status, released_by FROM csdl_gateway.packets WHERE packet_id = $1', [refused]);
      expect(stored.rows[0]).to.deep.equal({ status: 'failed', released_by: 'ops-hanh' });
      const again = await actions.retry(refused, OPERATOR, 'once more').catch((err: unknown) => err);
      expect(again).to.include({ code: 'ops.not_retryable', status: 409 });
      expect(audit.entries.map((e) => [e.action, e.outcome, e.code])).to.deep.equal([
        ['ops.packet.retry', 'ok', undefined], ['ops.packet.retry', 'refused', 'ops.not_retryable'],
      ]);
      expect(await actionsOver(w).ops.packetsNeedingAction()).to.deep.equal([]);
    });

    it('invalid person 12 and rejected person 8, changed and approved again, go in the next sync with no operator action', async function () {
      const rejected = await latest(8);
      await w.source.db.query('UPDATE qlcb.can_bo SET he_so_luong = 3.33 WHERE id = 12');
      await w.approveAgain(12);
      await w.approveAgain(8, { edit: 'Phường 3, Sóc Trăng' });
      const summary = await w.service().service.run();
      expect(summary).to.include({ due: 2, queued: 2, accepted: 1, rejected: 1, invalid: 0 });
      expect((await latest(12)).status).to.equal('accepted');
      // Person 8 went again (the other province still holds the number): the new version
      // speaks for the person now, the old one is no longer counted.
      const eight = await latest(8);
      expect(eight.status).to.equal('rejected');
      expect(eight.id).to.not.equal(rejected.id);
      const failing = await actionsOver(w).ops.failingVersions();
      expect(failing.map((f) => [f.soDinhDanh, f.id]).sort()).to.deep.equal([[CCCD[6], (await latest(6)).id], [CCCD[8], eight.id]].sort());
      expect(await actionsOver(w).ops.failingCount()).to.equal(2);
    });

    it('re-send: once the other province archived its copy, person 6 goes again as a new version and is accepted', async function () {
      await seedHeldElsewhere(CCCD[6]!, '1992-10-10', true, '2020-01-05T09:00:00+07:00');
      const { actions, ops, audit } = actionsOver(w);
      const rejected = await latest(6);
      const result = await actions.resend(CCCD[6]!, OPERATOR, 'Hòa Bình archived its copy');
      expect(result.summary).to.include({ accepted: 1 });
      const now = await latest(6);
      expect(now).to.include({ status: 'accepted', resend: 1 });
      expect(now.id).to.not.equal(rejected.id);
      expect(await ops.failingCount()).to.equal(1);
      const ledger = await w.ledger(CCCD[6]);
      expect(ledger.held.sender).to.not.equal(OTHER_PROVINCE);
      expect(audit.entries[0]).to.include({ action: 'ops.person.resend', outcome: 'ok' });
      expect(audit.entries[0]!.people).to.deep.equal([CCCD[6]]);
    });

    it('re-send refuses a person the gateway never took in, and a person whose latest approval is not approved', async function () {
      const { actions } = actionsOver(w);
      expect(await actions.resend('001099000001', OPERATOR, 'lost').catch((e: unknown) => e)).to.include({ code: 'ops.person_not_found', status: 404 });
      await w.source.db.query(`INSERT INTO qlcb.phe_duyet (can_bo_id, trang_thai) VALUES (3, 'CHO_DUYET')`);
      expect(await actions.resend(CCCD[3]!, OPERATOR, 'lost').catch((e: unknown) => e)).to.include({ code: 'ops.person_not_approved', status: 409 });
    });

    it('settle: person 8, handled outside the gateway, stops counting as failing but stays rejected on record; the count is zero', async function () {
      const { actions, ops, audit } = actionsOver(w);
      const eight = await latest(8);
      expect(await actions.settle(eight.id, OPERATOR, '   ').catch((e: unknown) => e)).to.include({ code: 'ops.reason_required', status: 400 });
      await actions.settle(eight.id, OPERATOR, 'Sóc Trăng keeps the record; agreed by phone');
      expect(await ops.failingCount()).to.equal(0);
      const row = await w.store.db.query('SELECT status, settled_by, settle_reason FROM csdl_gateway.record_versions WHERE id = $1', [eight.id]);
      expect(row.rows[0]).to.deep.equal({ status: 'rejected', settled_by: 'ops-hanh', settle_reason: 'Sóc Trăng keeps the record; agreed by phone' });
      expect(await actions.settle(eight.id, OPERATOR, 'again').catch((e: unknown) => e)).to.include({ code: 'outbox.state_conflict', status: 409 });
      expect(await actions.settle((await latest(1)).id, OPERATOR, 'accepted').catch((e: unknown) => e)).to.include({ code: 'outbox.state_conflict' });
      expect(await actions.settle('999999', OPERATOR, 'none').catch((e: unknown) => e)).to.include({ code: 'outbox.record_not_found', status: 404 });
      expect(audit.entries.map((e) => `${e.action} ${e.outcome} ${e.code ?? ''}`.trim())).to.deep.equal([
        'ops.record.settle refused ops.reason_required', 'ops.record.settle ok',
        'ops.record.settle refused outbox.state_conflict', 'ops.record.settle refused outbox.state_conflict',
        'ops.record.settle refused outbox.record_not_found',
      ]);
      expect(audit.entries[1]!.people).to.deep.equal([CCCD[8]]);
    });

    it('cancel: a pending packet is cancelled, its record queued again and sent by the next sync in a new packet', async function () {
      await w.approveAgain(3, { edit: 'Tổ 5, thị trấn Hương Canh, Vĩnh Phúc' });
      w.sim.sim.faults.scriptNext('push', ...FIVE_503);
      expect(await w.service().service.run()).to.include({ packetsPending: 1 });
      const pending = (await latest(3)).packet_id!;
      const { actions } = actionsOver(w);
      const result = await actions.cancel(pending, OPERATOR, 'signed with the old approver');
      expect(result).to.include({ queued: 1, leftForNextSync: 1 });
      expect(await actions.cancel(pending, OPERATOR, 'twice').catch((e: unknown) => e)).to.include({ code: 'outbox.state_conflict' });
      expect(await actions.retry(pending, OPERATOR, 'cancelled').catch((e: unknown) => e)).to.include({ code: 'ops.not_retryable' });
      expect(await w.service().service.run()).to.include({ packetsBuilt: 1, accepted: 1 });
      const three = await latest(3);
      expect(three.status).to.equal('accepted');
      expect(three.packet_id).to.not.equal(pending);
      expect((await w.ledger()).acceptances.repeated).to.deep.equal([]);
      expect(await actionsOver(w).ops.failingCount()).to.equal(0);
    });
    it('over HTTP, refusals answer with their code and status, and an action is done for an operator', async function () {
      const { actions, audit } = actionsOver(w);
      const app = createHttpApp({ logger: quietLogger(), readiness: [], routers: [opsActionsRouter(actions)], openApi: [opsActionsOpenApi], tokens: fakeTokens() });
      const server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const post = async (path: string, body: unknown) => {
        const res = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...bearerFor('ops-hanh', 'operator') }, body: JSON.stringify(body) });
        const answer = (await res.json()) as { code?: string; action?: string };
        return [res.status, answer.code ?? answer.action];
      };
      try {
        expect(await post('/api/ops/records/12/settle', {})).to.deep.equal([400, 'ops.reason_required']);
        expect(await post('/api/ops/records/twelve/settle', { reason: 'x' })).to.deep.equal([400, 'http.bad_request']);
        expect(await post('/api/ops/records/999999/settle', { reason: 'x' })).to.deep.equal([404, 'outbox.record_not_found']);
        expect(await post('/api/ops/packets/not-a-uuid/retry', { reason: 'x' })).to.deep.equal([400, 'http.bad_request']);
        expect(await post('/api/ops/packets/0d4a3f1e-0b5c-4e8a-9c2d-1f6e5a4b3c2d/retry', { reason: 'x' })).to.deep.equal([404, 'outbox.packet_not_found']);
        // Person 1, already held nationally at this approval: the re-send is done (200).
        expect(await post(`/api/ops/people/${CCCD[1]}/resend`, { reason: 'checking the national copy' })).to.deep.equal([200, 'resend']);
      } finally {
        server.close();
      }
      expect(audit.entries.every((e) => e.actor.name === 'ops-hanh')).to.equal(true);
    });
  });
}
