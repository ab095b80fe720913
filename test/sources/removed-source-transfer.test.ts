import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { openAuditLog } from '../../src/compose/audit-log.js';
import { composeTransferService, openTransferEdges } from '../../src/compose/transfer-edges.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/logger.js';
import { transferOpenApi } from '../../src/transfer/transfer-openapi.js';
import { transferRouter } from '../../src/transfer/transfer-router.js';
import { record } from '../simulator/simulator-harness.js';
import { startApiApp } from '../ops/api-app.js';
import { startMergedWorld, type MergedWorld } from './merged-world.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- CLI JSON is a known shape */
/**
 * A transfer staged in a source that is then removed from the sources file, through the built
 * CLI on two real PostgreSQL databases: its staged row lives in a database the gateway no
 * longer reads, so it would stay open for ever. It is listed with `sources.source_removed`,
 * the removed database is not polled (a TAKEN row there does not close it), and an operator
 * cancels it, from the CLI or over HTTP, each cancel and each refusal audited; a transfer of a
 * listed source is not cancelled.
 */
describe('merged province: a transfer staged in a removed source', function () {
  this.timeout(240_000);
  let w: MergedWorld;
  let nhansuUnit: string;
  let qlcbUnit: string;
  const inB: string[] = [];
  let inA: string;

  const hold = (data: any) => w.sim.simulator.seedOfficial({
    soDinhDanh: data.soDinhDanh, record: data, approvedAt: '2026-01-05T08:00:00+07:00', sender: '000.00.00.H26', archived: false,
  });
  const pull = async (n: number, unit: string): Promise<string> => {
    const data = record(n).data;
    await hold(data);
    const run = await w.cli(['pull', data.soDinhDanh, '--unit', unit, '--json']);
    expect(run.code, run.stderr).to.equal(0);
    return JSON.parse(run.stdout).transfer.id as string;
  };
  const list = async () => {
    const run = await w.cli(['transfers', '--json']);
    expect(run.code, run.stderr).to.equal(0);
    return new Map((JSON.parse(run.stdout) as any[]).map((t) => [t.id as string, t]));
  };
  const cancels = async () => (await w.store.db.query<{ actor_kind: string; outcome: string; code: string | null; source: string; purpose: string | null }>(
    "SELECT actor_kind, outcome, code, source, purpose FROM csdl_gateway.audit_log WHERE action = 'transfer.cancel' ORDER BY seq")).rows;

  before(async function () {
    w = await startMergedWorld(20);
    // tinh-b is another old province: its units carry its own codes, so a pull finds one source.
    await w.nhansu.db.query("UPDATE nhansu.org_unit SET agency_code = replace(agency_code, 'H62', 'H26')");
    nhansuUnit = (await w.nhansu.db.query<{ code: string }>(
      "SELECT agency_code AS code FROM nhansu.org_unit WHERE NOT coalesce(closed, false) AND merged_into IS NULL AND agency_code LIKE '%.H26' ORDER BY org_id DESC LIMIT 1")).rows[0]!.code;
    qlcbUnit = (await w.qlcb.db.query<{ code: string }>(
      "SELECT ma_dinh_danh AS code FROM qlcb.dm_don_vi WHERE con_hoat_dong AND ma_dinh_danh LIKE '%.H62' ORDER BY id DESC LIMIT 1")).rows[0]!.code;
    inB.push(await pull(911, nhansuUnit), await pull(912, nhansuUnit));
    inA = await pull(913, qlcbUnit);
    const listed = await list();
    expect(inB.map((id) => [listed.get(id).source, listed.get(id).status, listed.get(id).stalled])).to.deep.equal([['tinh-b', 'staged', undefined], ['tinh-b', 'staged', undefined]]);
    // tinh-b leaves the sources file.
    writeFileSync(w.sourcesFile, JSON.stringify([{ name: 'tinh-a', databaseUrl: w.qlcb.url, mapping: 'mappings/qlcb' }]));
  });
  after(async function () {
    await w?.close();
  });

  it('is listed with sources.source_removed, and its source\'s database is not polled for it', async function () {
    // The vendor's software answered in the removed database: the gateway does not read it any more.
    await w.nhansu.db.query("UPDATE nhansu.inbound_transfer SET state = 'TAKEN'");
    const listed = await list();
    for (const id of inB) {
      expect(listed.get(id).status).to.equal('staged');
      expect(listed.get(id).stalled.code).to.equal('sources.source_removed');
      expect(listed.get(id).stalled.message).to.contain("source 'tinh-b' is no longer in the sources file");
    }
    expect(listed.get(inA).stalled).to.equal(undefined);
    const text = await w.cli(['transfers']);
    expect(text.stdout).to.contain(`sources.source_removed (tinh-b): transfers cancel ${inB[0]} --reason TEXT`);
  });

  it('is cancelled by an operator from the CLI and over HTTP, audited; a listed source\'s or a closed transfer is not', async function () {
    const noReason = await w.cli(['transfers', 'cancel', inB[0]!]);
    expect(noReason.code).to.equal(2);
    const listedOne = await w.cli(['transfers', 'cancel', inA, '--reason', 'nhầm đơn vị']);
    expect(listedOne.code).to.equal(1);
    expect(listedOne.stderr).to.contain('transfer.not_cancellable');

    const cancelled = await w.cli(['transfers', 'cancel', inB[0]!, '--reason', 'tỉnh B đã gỡ khỏi tệp nguồn', '--json']);
    expect(cancelled.code, cancelled.stderr).to.equal(0);
    const out = JSON.parse(cancelled.stdout);
    expect([out.id, out.status, out.error.code, out.stalled]).to.deep.equal([inB[0], 'cancelled', 'sources.source_removed', undefined]);
    expect(out.closedAt).to.be.a('string');
    const again = await w.cli(['transfers', 'cancel', inB[0]!, '--reason', 'lần nữa']);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.contain('transfer.not_cancellable').and.contain('closed already');
    const unknown = await w.cli(['transfers', 'cancel', '987654', '--reason', 'không có']);
    expect(unknown.stderr).to.contain('transfer.unknown_id');

    // Over HTTP, as the running gateway composes it.
    const config = loadConfig(w.env);
    const edges = await openTransferEdges(config, silentLogger());
    const audit = await openAuditLog(edges.store, edges.signer, silentLogger());
    const api = await startApiApp(w.store.db, { routers: [transferRouter({ service: composeTransferService(config, edges, audit, silentLogger()), audit })], openApi: [transferOpenApi] });
    try {
      const post = (id: string, body: unknown, token = api.tokens.operator) => fetch(`${api.base}/api/transfers/${id}/cancel`, {
        method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
      });
      const asAuditor = await post(inB[1]!, { reason: 'x' }, api.tokens.auditor);
      expect(asAuditor.status).to.equal(403);
      const bare = await post(inB[1]!, {});
      expect([bare.status, ((await bare.json()) as any).code]).to.deep.equal([400, 'http.bad_request']);
      const listedHttp = await post(inA, { reason: 'nhầm' });
      expect([listedHttp.status, ((await listedHttp.json()) as any).code]).to.deep.equal([409, 'transfer.not_cancellable']);
      const ok = await post(inB[1]!, { reason: 'tỉnh B đã gỡ khỏi tệp nguồn' });
      expect(ok.status).to.equal(200);
      expect(((await ok.json()) as any).status).to.equal('cancelled');
    } finally {
      await api.close();
      await audit.close();
      await edges.close();
    }

    const rows = (await w.store.db.query<{ id: string; status: string; error_code: string | null; closed: boolean }>(
      'SELECT id::text AS id, status, error_code, closed_at IS NOT NULL AS closed FROM csdl_gateway.transfers ORDER BY id')).rows;
    expect(rows.filter((r) => inB.includes(r.id)).map((r) => [r.status, r.error_code, r.closed])).to.deep.equal([
      ['cancelled', 'sources.source_removed', true], ['cancelled', 'sources.source_removed', true]]);
    expect(rows.find((r) => r.id === inA)!.status).to.equal('staged');
    // Each cancel the service was asked for has its entry (the gate's own refusals, a role or a body
    // that does not match the document, are audited by the running gateway's gate, not composed here).
    expect((await cancels()).map((e) => [e.actor_kind, e.outcome, e.code, e.source, e.purpose])).to.deep.equal([
      ['cli', 'refused', 'transfer.not_cancellable', 'tinh-a', 'nhầm đơn vị'],
      ['cli', 'ok', null, 'tinh-b', 'tỉnh B đã gỡ khỏi tệp nguồn'],
      ['cli', 'refused', 'transfer.not_cancellable', 'tinh-b', 'lần nữa'],
      ['cli', 'refused', 'transfer.unknown_id', 'default', 'không có'],
      ['token', 'refused', 'transfer.not_cancellable', 'tinh-a', 'nhầm'],
      ['token', 'ok', null, 'tinh-b', 'tỉnh B đã gỡ khỏi tệp nguồn'],
    ]);
    const verify = await w.cli(['audit', 'verify']);
    expect(verify.code, verify.stdout + verify.stderr).to.equal(0);
  });
});
