import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { openssl } from '../signing/pki-fixture.js';
import type { SyncWorld } from '../sync/sync-harness.js';
import { startApiApp, type ApiApp } from './api-app.js';
import { ONE, SIX, startOpsWorld } from './ops-world.js';

/** The operators' read API over a store filled by real syncs (ops-world.ts), store on PostgreSQL. */
/* eslint-disable @typescript-eslint/no-explicit-any -- API answers are known JSON */
describe('ops API: reads over a store filled by real syncs (postgres)', function () {
  this.timeout(90_000);
  let w: SyncWorld;
  let api: ApiApp;
  let failedPacket: string;

  before(async function () {
    ({ w, failedPacket } = await startOpsWorld());
    api = await startApiApp(w.store.db);
  });
  after(async function () {
    await api?.close();
    await w?.close();
  });

  it('summary: packets and records by state, failing by code, the oldest unaccepted approval, the last sync', async function () {
    const { status, body } = await api.get('/api/ops/summary', api.tokens.auditor);
    expect(status).to.equal(200);
    expect(body.packets).to.deep.equal({ done: 1, failed: 1 });
    expect(body.records).to.deep.include({ accepted: 8, rejected: 1, invalid: 1, queued: 1 });
    expect(body.failing).to.equal(2);
    expect(body.failingByCode.DUPLICATE_IDENTITY).to.equal(1);
    // Person 12's mapping codes, as the store holds them.
    const codes = await w.store.db.query<{ code: string }>(`SELECT DISTINCT e->>'code' AS code FROM csdl_gateway.record_versions, jsonb_array_elements(errors) e WHERE vendor_id = '12'`);
    for (const { code } of codes.rows) expect(body.failingByCode[code], code).to.equal(1);
    // Person 1's new version went back to the queue with the failed packet: the oldest unaccepted approval.
    expect(body.oldestUnsentApproval.vendorId).to.be.oneOf(['1', '6', '12']);
    expect(body.oldestUnsentApproval.ageHours).to.be.a('number');
    expect(body.lastSync.finishedAt).to.be.a('string');
    const entry = api.audit.entries.at(-1)!;
    expect(entry).to.deep.include({ action: 'ops.summary.view', outcome: 'ok' });
    expect(entry.actor.kind).to.equal('token');
  });

  it('records: state invalid gives person 12 with its errors as stored; code filters; paging; newest first', async function () {
    const invalid = await api.get('/api/ops/records?state=invalid', api.tokens.auditor);
    expect(invalid.status).to.equal(200);
    expect(invalid.body.total).to.equal(1);
    const item = invalid.body.items[0];
    expect(item).to.include({ vendorId: '12', state: 'invalid', packetId: null });
    const stored = await w.store.db.query<{ errors: any[] }>(`SELECT errors FROM csdl_gateway.record_versions WHERE vendor_id = '12'`);
    expect(item.errors).to.deep.equal(stored.rows[0]!.errors.map((e) => ({ code: e.code, ...(e.path !== undefined ? { path: e.path } : {}), message: e.message })));
    expect(item.errors[0]).to.have.keys('code', 'path', 'message');

    const dup = await api.get('/api/ops/records?code=DUPLICATE_IDENTITY', api.tokens.auditor);
    expect(dup.body.items.map((r: any) => [r.soDinhDanh, r.state, r.errors[0].path])).to.deep.equal([[SIX, 'rejected', '/soDinhDanh']]);
    const entry = api.audit.entries.at(-1)!;
    expect(entry).to.deep.include({ action: 'ops.records.list', people: [SIX], outcome: 'ok' });

    const page = await api.get('/api/ops/records?pageSize=3&page=2', api.tokens.auditor);
    expect(page.body).to.include({ page: 2, pageSize: 3, total: 11 });
    const all = await api.get('/api/ops/records?pageSize=500', api.tokens.auditor);
    const times = all.body.items.map((r: any) => Date.parse(r.approvedAt));
    expect(times).to.deep.equal([...times].sort((a, b) => b - a));
    expect(page.body.items.map((r: any) => r.id)).to.deep.equal(all.body.items.slice(3, 6).map((r: any) => r.id));
    const newest = all.body.items[0].approvedAt;
    const since = await api.get(`/api/ops/records?from=${newest}&to=2100-01-01T00:00:00Z`, api.tokens.auditor);
    expect(since.status).to.equal(200);
    expect(since.body.items.map((r: any) => r.approvedAt)).to.deep.equal(all.body.items.filter((r: any) => r.approvedAt === newest).map((r: any) => r.approvedAt));
    const before = await api.get(`/api/ops/records?to=${encodeURIComponent(newest)}`, api.tokens.auditor);
    expect(before.body.total).to.equal(all.body.total - since.body.total);
    const person = await api.get(`/api/ops/records?soDinhDanh=${ONE}`, api.tokens.auditor);
    expect(person.body.items.map((r: any) => r.state)).to.deep.equal(['queued', 'accepted']);
  });

  it('packets: filters by state; the failed packet shows its attempts, receipt and records gone back to the queue', async function () {
    const list = await api.get('/api/ops/packets?state=failed', api.tokens.auditor);
    expect(list.body.items.map((p: any) => p.packetId)).to.deep.equal([failedPacket]);
    const { status, body } = await api.get(`/api/ops/packets/${failedPacket}`, api.tokens.auditor);
    expect(status).to.equal(200);
    expect(body.header).to.include({ packetId: failedPacket, recordCount: 1 });
    expect(body.attempts.map((a: any) => a.operation)).to.include('push');
    for (const a of body.attempts) expect(a).to.have.keys('operation', 'startedAt', 'durationMs', 'httpStatus', 'nationalCode', 'requestId', 'error');
    expect(body.receipt.status).to.equal('failed');
    expect(body.records).to.have.length(1);
    expect(body.records[0]).to.include({ soDinhDanh: ONE, result: null, state: 'queued' });
    expect(api.audit.entries.at(-1)).to.deep.include({ action: 'ops.packet.view', packetId: failedPacket, people: [ONE] });
  });

  it('a done packet: header, receipt and per-record results with the national errors and paths', async function () {
    const done = await api.get('/api/ops/packets?state=done', api.tokens.auditor);
    const id = done.body.items[0].packetId;
    const { body } = await api.get(`/api/ops/packets/${id}`, api.tokens.auditor);
    expect(body.header).to.include({ packetId: id, sender: '000.00.00.H62' });
    expect(body.receipt.status).to.equal('done');
    const six = body.records.find((r: any) => r.soDinhDanh === SIX);
    expect(six).to.deep.include({ result: 'rejected', state: 'rejected' });
    expect(six.errors.map((e: any) => [e.code, e.path])).to.deep.equal([['DUPLICATE_IDENTITY', '/soDinhDanh']]);
    expect(body.records.filter((r: any) => r.result === 'accepted')).to.have.length(8);
    const bySix = await api.get(`/api/ops/packets?soDinhDanh=${SIX}`, api.tokens.auditor);
    expect(bySix.body.items.map((p: any) => p.packetId)).to.deep.equal([id]);
  });

  it('the envelope: the exact stored bytes, which openssl cms -verify accepts', async function () {
    const done = await api.get('/api/ops/packets?state=done', api.tokens.auditor);
    const id = done.body.items[0].packetId;
    const res = await api.get(`/api/ops/packets/${id}/envelope`, api.tokens.auditor);
    expect(res.status).to.equal(200);
    expect(res.type).to.match(/^application\/json/);
    const stored = await w.store.db.query<{ envelope: Buffer }>('SELECT envelope FROM csdl_gateway.packets WHERE packet_id = $1', [id]);
    expect(res.raw.equals(stored.rows[0]!.envelope)).to.equal(true);
    const dir = mkdtempSync(join(tmpdir(), 'ops-envelope-'));
    try {
      const env = JSON.parse(res.raw.toString('utf8'));
      writeFileSync(join(dir, 'payload'), Buffer.from(env.payload, 'base64'));
      writeFileSync(join(dir, 'sig.der'), Buffer.from(env.signature, 'base64'));
      writeFileSync(join(dir, 'ca.pem'), w.sim.pki.caCertPem);
      const verify = (content: string) => openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'sig.der'), '-content', join(dir, content), '-CAfile', join(dir, 'ca.pem'), '-purpose', 'any', '-out', '/dev/null']);
      expect(verify('payload').status, verify('payload').stderr).to.equal(0);
      const changed = Buffer.from(env.payload, 'base64');
      changed.writeUInt8(changed.readUInt8(changed.length - 2) ^ 1, changed.length - 2);
      writeFileSync(join(dir, 'changed'), changed);
      expect(verify('changed').status).not.to.equal(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(api.audit.entries.at(-1)).to.deep.include({ action: 'ops.packet.envelope', packetId: id });
    expect(api.audit.entries.at(-1)!.people).to.include(SIX);
  });

  it('a person: every version taken in, what became of it and why', async function () {
    const { status, body } = await api.get(`/api/ops/people/${ONE}`, api.tokens.auditor);
    expect(status).to.equal(200);
    expect(body.versions.map((v: any) => v.state)).to.deep.equal(['accepted', 'queued']);
    expect(body.versions[0].outcome).to.equal('accepted by the national side');
    expect(body.acceptedAt).to.be.a('string');
    const six = await api.get(`/api/ops/people/${SIX}`, api.tokens.auditor);
    expect(six.body.versions[0].outcome).to.contain('DUPLICATE_IDENTITY');
    expect(api.audit.entries.at(-1)).to.deep.include({ action: 'ops.person.view', people: [SIX], outcome: 'ok' });
  });

  it('unknown packet or person: 404 with a code, audited as refused; malformed ids: 400 http.bad_request with details', async function () {
    const packet = await api.get('/api/ops/packets/7f1c1b8e-0000-4000-8000-000000000000', api.tokens.auditor);
    expect([packet.status, packet.body.code]).to.deep.equal([404, 'outbox.packet_not_found']);
    const person = await api.get('/api/ops/people/099999999999', api.tokens.auditor);
    expect([person.status, person.body.code]).to.deep.equal([404, 'ops.person_not_found']);
    expect(api.audit.entries.at(-1)).to.deep.include({ action: 'ops.person.view', outcome: 'refused', code: 'ops.person_not_found' });
    const badId = await api.get('/api/ops/packets/not-a-uuid', api.tokens.auditor);
    expect([badId.status, badId.body.code]).to.deep.equal([400, 'http.bad_request']);
    expect(badId.body.details[0].path).to.equal('/params/id');
    const badSo = await api.get('/api/ops/people/12345', api.tokens.auditor);
    expect([badSo.status, badSo.body.details[0].path]).to.deep.equal([400, '/params/soDinhDanh']);
  });

  it('request validation: page size, states, times and unknown parameters are refused with {path, message}', async function () {
    for (const [query, path] of [
      ['pageSize=501', '/query/pageSize'], ['page=0', '/query/page'], ['state=lost', '/query/state'],
      ['from=yesterday', '/query/from'], ['colour=red', '/query/colour'], ['soDinhDanh=12ab', '/query/soDinhDanh'],
    ]) {
      const res = await api.get(`/api/ops/records?${query}`, api.tokens.auditor);
      expect(res.status, query).to.equal(400);
      expect(res.body.code).to.equal('http.bad_request');
      expect(res.body.details.map((d: any) => d.path), query).to.include(path);
      expect(res.body.details[0].message).to.be.a('string');
    }
  });

  it('a read fails when the audit log cannot take its entry: no personal data without a trace', async function () {
    api.audit.failNext = true;
    const before = api.audit.entries.length;
    const res = await api.get('/api/ops/records?state=invalid', api.tokens.auditor);
    expect(res.status).to.equal(500);
    expect(JSON.stringify(res.body)).not.to.contain('"vendorId"');
    expect(api.audit.entries.length).to.equal(before);
  });
});
