import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { nationalContract } from '../../src/contract/national-contract.js';
import { createPayloadCodec } from '../../src/encoding/payload-codec.js';
import { createOutboxStore, recordVersionsWithin } from '../../src/outbox/outbox-store.js';
import { recordsOfEnvelope } from '../../src/packet/envelope-records.js';
import { openAuditLog } from '../../src/compose/audit-log.js';
import { composeOpsActions } from '../../src/compose/ops-actions-compose.js';
import { composeSync } from '../../src/compose/sync-compose.js';
import { openSyncEdges } from '../../src/compose/sync-edges.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/logger.js';
import { opsActionsOpenApi } from '../../src/ops/ops-actions-openapi.js';
import { opsActionsRouter } from '../../src/ops/ops-actions-router.js';
import { startApiApp } from '../ops/api-app.js';
import { startMergedWorld, type MergedWorld } from './merged-world.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- CLI JSON is a known shape */
/**
 * A source removed from the sources file, on two real PostgreSQL databases and the built CLI:
 * tinh-b leaves a newer version of one of its people queued (as a merged run records it before
 * packing), then is removed. The next sync sends nothing for it: the version is held with
 * `sources.source_removed`, readable by `tx records --source tinh-b`, and none of its people is
 * archived nationally. Listed again, the held version goes back to the queue and is sent.
 */
/**
 * The operators' actions API composed as the running gateway composes it, for `use`, which
 * posts as an operator; closed after.
 */
async function withActionsApi(w: MergedWorld, options: { sourcesWhenNeeded?: boolean }, use: (post: (path: string, body: unknown) => Promise<Response>) => Promise<void>): Promise<void> {
  const config = loadConfig(w.env);
  const edges = await openSyncEdges(config, silentLogger(), { national: false, ...options });
  const audit = await openAuditLog(edges.store.db, edges.signer, silentLogger());
  const api = await startApiApp(w.store.db, { routers: [opsActionsRouter(composeOpsActions(composeSync(config, { ...edges, logger: silentLogger() }), edges.store, audit, config.sources))], openApi: [opsActionsOpenApi] });
  try {
    await use((path, body) => fetch(`${api.base}${path}`, {
      method: 'POST', headers: { authorization: `Bearer ${api.tokens.operator}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    }));
  } finally {
    await api.close();
    await audit.close();
    await edges.close();
  }
}

describe('merged province: a source removed from the sources file', function () {
  this.timeout(300_000);
  let w: MergedWorld;
  let person: string;
  let versionId: string;

  const acceptances = async (sdd: string) =>
    (await w.ledger.db.query<{ n: number }>('SELECT count(*)::int AS n FROM csdl_simulator.acceptances WHERE so_dinh_danh = $1', [sdd])).rows[0]!.n;
  const version = async () => (await w.store.db.query<{ status: string; errors: any }>('SELECT status, errors FROM csdl_gateway.record_versions WHERE id = $1', [versionId])).rows[0]!;

  before(async function () {
    w = await startMergedWorld(8);
    // tinh-b's people are its own (another serial in each số định danh): no conflicts.
    await w.nhansu.db.query(
      "UPDATE nhansu.employee SET citizen_id = left(regexp_replace(citizen_id, '[^0-9]', '', 'g'), 6) || '9999' || lpad(emp_id::text, 2, '0')");
    const run = await w.cli(['sync', '--json']);
    expect(run.code, run.stderr).to.equal(0);
    // A newer approval of one tinh-b person, queued as a merged run records it before packing.
    const accepted = await w.store.db.query<{ vendor_id: string; approval_id: string; so_dinh_danh: string; approved_by_unit: string | null; mapping_fingerprint: string | null; envelope: Buffer }>(
      `SELECT v.vendor_id, v.approval_id, v.so_dinh_danh, v.approved_by_unit, v.mapping_fingerprint, p.envelope
         FROM csdl_gateway.record_versions v JOIN csdl_gateway.packets p ON p.packet_id = v.packet_id
        WHERE v.source = 'tinh-b' AND v.status = 'accepted' ORDER BY v.id LIMIT 1`);
    const v = accepted.rows[0]!;
    person = v.so_dinh_danh;
    const data = recordsOfEnvelope(v.envelope, createPayloadCodec(nationalContract())).find((r) => r.soDinhDanh === person)!;
    const outbox = createOutboxStore(w.store.db, 'tinh-b');
    const runId = await outbox.startRun(false);
    await w.store.db.transaction((tx) => recordVersionsWithin(tx, 'tinh-b', runId, [{
      vendorId: v.vendor_id, approvalId: `${v.approval_id}9`, soDinhDanh: person, operation: 'upsert',
      approvedAt: new Date().toISOString(), approvedByUnit: v.approved_by_unit ?? undefined, status: 'queued',
      recordHash: 'a-newer-approval', recordJson: data.recordJson, errors: undefined,
      ...(v.mapping_fingerprint ? { mappingFingerprint: v.mapping_fingerprint } : {}),
    }]));
    await outbox.finishRun(runId, 'finished', {});
    versionId = (await w.store.db.query<{ id: string }>(
      "SELECT id::text AS id FROM csdl_gateway.record_versions WHERE source = 'tinh-b' AND so_dinh_danh = $1 AND status = 'queued'", [person])).rows[0]!.id;
    expect(await acceptances(person)).to.equal(1);
  });
  after(async function () {
    await w?.close();
  });

  it('sends nothing more for it: its queued version is held with why, and its people stay held nationally', async function () {
    const nationalBefore = await w.ledger.db.query('SELECT so_dinh_danh, archived FROM csdl_simulator.officials ORDER BY 1');
    writeFileSync(w.sourcesFile, JSON.stringify([{ name: 'tinh-a', databaseUrl: w.qlcb.url, mapping: 'mappings/qlcb' }]));
    const run = await w.cli(['sync', '--json']);
    expect(run.code, run.stderr).to.equal(0);
    expect(await acceptances(person)).to.equal(1);
    const held = await version();
    expect(held.status).to.equal('held');
    expect(held.errors.map((e: any) => e.code)).to.deep.equal(['sources.source_removed']);
    expect(run.stderr).to.contain('removed from the sources file');
    expect(run.stderr).not.to.contain(person);
    // Nothing archived or dropped nationally.
    expect((await w.ledger.db.query('SELECT so_dinh_danh, archived FROM csdl_simulator.officials ORDER BY 1')).rows).to.deep.equal(nationalBefore.rows);

    const listed = await w.cli(['tx', 'records', '--source', 'tinh-b', '--state', 'held', '--json']);
    expect(listed.code, listed.stderr).to.equal(0);
    const items = JSON.parse(listed.stdout) as any[];
    expect(items.map((i) => [i.id, i.source, i.state, i.errors.map((e: any) => e.code)])).to.deep.equal([[versionId, 'tinh-b', 'held', ['sources.source_removed']]]);
    const table = await w.cli(['tx', 'records', '--source', 'tinh-b', '--state', 'held']);
    expect(table.stdout).to.contain('sources.source_removed');
  });

  it('refuses an operator\'s re-send or prefer for it, from the CLI and over HTTP, each refusal audited', async function () {
    const refusals = async (action: string) => (await w.store.db.query<{ outcome: string; code: string | null; source: string | null; people: string[] }>(
      'SELECT outcome, code, source, people FROM csdl_gateway.audit_log WHERE action = $1 ORDER BY seq', [action])).rows;
    const versions = async () => (await w.store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM csdl_gateway.record_versions WHERE so_dinh_danh = $1', [person])).rows[0]!.n;
    const before = await versions();

    // The CLI: exit 1 as the other refusals, the code and the bilingual message on stderr.
    const resend = await w.cli(['tx', 'resend', person, '--reason', 'Bộ báo mất hồ sơ']);
    expect(resend.code, resend.stderr).to.equal(1);
    expect(resend.stderr).to.contain('sources.source_removed').and.to.contain("source 'tinh-b' was removed").and.to.contain('đã bị gỡ');
    const prefer = await w.cli(['tx', 'prefer', person, '--source', 'tinh-b', '--reason', 'hồ sơ ở tỉnh B']);
    expect(prefer.code, prefer.stderr).to.equal(1);
    expect(prefer.stderr).to.contain('sources.source_removed');
    // A name the store never knew is not "removed": the conflict's own refusal, as before.
    const unknown = await w.cli(['tx', 'prefer', person, '--source', 'tinh-z', '--reason', 'không có']);
    expect(unknown.stderr).to.contain('ops.conflict_not_found');

    // Over HTTP, composed as the running gateway composes it: 409 with the code.
    await withActionsApi(w, {}, async (post) => {
      const r1 = await post(`/api/ops/people/${person}/resend`, { reason: 'Bộ báo mất hồ sơ' });
      expect(r1.status).to.equal(409);
      expect(((await r1.json()) as { code: string }).code).to.equal('sources.source_removed');
      const r2 = await post(`/api/ops/people/${person}/prefer`, { reason: 'hồ sơ ở tỉnh B', source: 'tinh-b' });
      expect(r2.status).to.equal(409);
      expect(((await r2.json()) as { code: string }).code).to.equal('sources.source_removed');
    });

    // Nothing queued or sent for the person; each refusal has its entry naming the removed source.
    expect(await versions()).to.equal(before);
    expect(await acceptances(person)).to.equal(1);
    const removedEntry = { outcome: 'refused', code: 'sources.source_removed', source: 'tinh-b', people: [person] };
    expect(await refusals('ops.person.resend')).to.deep.equal([removedEntry, removedEntry]);
    expect((await refusals('ops.person.prefer')).map((r) => [r.code, r.source])).to.deep.equal([
      ['sources.source_removed', 'tinh-b'], ['ops.conflict_not_found', 'tinh-z'], ['sources.source_removed', 'tinh-b']]);
    const verify = await w.cli(['audit', 'verify']);
    expect(verify.code, verify.stdout + verify.stderr).to.equal(0);
  });

  it('refuses a re-send for it before opening any source: it is refused so while the listed sources are down', async function () {
    const resends = async () => (await w.store.db.query<{ outcome: string; code: string | null; source: string | null }>(
      "SELECT outcome, code, source FROM csdl_gateway.audit_log WHERE action = 'ops.person.resend' ORDER BY seq")).rows;
    const before = (await resends()).length;
    // tinh-a is still listed, but its database answers nowhere (nothing listens on port 1).
    writeFileSync(w.sourcesFile, JSON.stringify([{ name: 'tinh-a', databaseUrl: 'postgres://gw@127.0.0.1:1/qlcb', mapping: 'mappings/qlcb' }]));
    try {
      const resend = await w.cli(['tx', 'resend', person, '--reason', 'Bộ báo mất hồ sơ']);
      expect(resend.code, resend.stderr).to.equal(1);
      expect(resend.stderr).to.contain('sources.source_removed').and.not.contain('db.unreachable').and.not.contain('no_source_reachable');
      // prefer reads no source either: its own refusal, not the unreachable source's.
      const prefer = await w.cli(['tx', 'prefer', person, '--source', 'tinh-b', '--reason', 'hồ sơ ở tỉnh B']);
      expect(prefer.code, prefer.stderr).to.equal(1);
      expect(prefer.stderr).to.contain('sources.source_removed').and.not.contain('no_source_reachable');

      // Over HTTP, the re-send's deps do not open the speaking (or first) source either.
      await withActionsApi(w, { sourcesWhenNeeded: true }, async (post) => {
        const r = await post(`/api/ops/people/${person}/resend`, { reason: 'Bộ báo mất hồ sơ' });
        expect(r.status).to.equal(409);
        expect(((await r.json()) as { code: string }).code).to.equal('sources.source_removed');
      });
    } finally {
      writeFileSync(w.sourcesFile, JSON.stringify([{ name: 'tinh-a', databaseUrl: w.qlcb.url, mapping: 'mappings/qlcb' }]));
    }
    const removedEntry = { outcome: 'refused', code: 'sources.source_removed', source: 'tinh-b' };
    expect((await resends()).slice(before)).to.deep.equal([removedEntry, removedEntry]);
    expect(await acceptances(person)).to.equal(1);
  });

  it('listed again, the held version goes back to the queue and is sent', async function () {
    w.writeSources();
    const run = await w.cli(['sync', '--json']);
    expect(run.code, run.stderr).to.equal(0);
    expect((await version()).status).not.to.equal('held');
    expect(await acceptances(person)).to.equal(2);
  });
});
