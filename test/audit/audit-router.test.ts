import type { Server } from 'node:http';
import { expect } from 'chai';
import { auditOpenApi } from '../../src/audit/audit-openapi.js';
import { createAuditLog, type AuditLogService } from '../../src/audit/audit-log.js';
import { auditRouter } from '../../src/audit/audit-router.js';
import { createAuditReader, parseSince } from '../../src/audit/audit-service.js';
import { listEntries } from '../../src/audit/audit-store.js';
import { verifyAuditLog } from '../../src/audit/audit-verify.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { silentLogger } from '../../src/log/logger.js';
import type { TestDatabase } from '../setup/databases.js';
import { fakeTokens } from '../http/fake-tokens.js';
import { auditPki, migratedStore, person, shareRead } from './audit-fixture.js';

describe('audit router: GET /api/ops/audit and /api/ops/people/{so}/access', function () {
  this.timeout(60_000);
  const pki = auditPki();
  let t: TestDatabase;
  let log: AuditLogService;
  let server: Server;
  let base: string;

  before(async function () {
    t = await migratedStore('postgres');
    log = createAuditLog(t.db, { signer: pki.signer });
    await Promise.all(Array.from({ length: 25 }, (_, i) => log.append(shareRead(i, { purpose: i === 3 ? '<script>x</script>' : undefined }))));
    const app = createHttpApp({ logger: silentLogger(), readiness: [], routers: [auditRouter(createAuditReader(t.db, log))], openApi: [auditOpenApi], tokens: fakeTokens() });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(async function () {
    server?.close();
    await log?.close();
    await t?.drop();
  });

  const get = (path: string, actor = 'ana/auditor') =>
    fetch(`${base}${path}`, { headers: actor ? { authorization: `Bearer ${actor}`, 'x-request-id': 'req-test' } : {} });

  it('lists newest first, in pages, with filters, and audits the read', async function () {
    const first = await get('/api/ops/audit?limit=10');
    expect(first.status).to.equal(200);
    const page = (await first.json()) as { entries: { seq: number; actor: { name: string } }[]; next: number };
    expect(page.entries.map((e) => e.seq)).to.deep.equal([25, 24, 23, 22, 21, 20, 19, 18, 17, 16]);
    expect(page.next).to.equal(16);
    const second = (await (await get(`/api/ops/audit?limit=10&before=${page.next}`)).json()) as { entries: { seq: number }[] };
    expect(second.entries[0]!.seq).to.equal(15);

    const filtered = (await (await get(`/api/ops/audit?person=${person(3)}&action=share.official.read`)).json()) as { entries: { seq: number }[]; next: null };
    expect(filtered.entries.map((e) => e.seq)).to.deep.equal([4]);
    expect(filtered.next).to.equal(null);

    const [own] = await listEntries(t.db, { limit: 1 });
    expect(own).to.include({ action: 'audit.list', actorKind: 'token', actorName: 'ana', outcome: 'ok', requestId: 'req-test' });
    expect(own!.people).to.deep.equal([person(3)]);
  });

  it("answers a person's access report as JSON without the other people of an entry", async function () {
    await log.append(shareRead(99, { people: [person(5), person(6)], action: 'share.unit.list' }));
    const res = await get(`/api/ops/people/${person(5)}/access`);
    expect(res.status).to.equal(200);
    const report = (await res.json()) as { soDinhDanh: string; entries: Record<string, unknown>[] };
    expect(report.soDinhDanh).to.equal(person(5));
    expect(report.entries.map((e) => e.action)).to.deep.equal(['share.official.read', 'share.unit.list']);
    expect(JSON.stringify(report)).not.to.include(person(6));
    const [own] = await listEntries(t.db, { limit: 1 });
    expect(own).to.include({ action: 'audit.person.access', actorName: 'ana' });
    expect(own!.people).to.deep.equal([person(5)]);
  });

  it('answers CSV and an escaped HTML page in Vietnamese', async function () {
    const csv = await get(`/api/ops/people/${person(3)}/access?format=csv`);
    expect(csv.headers.get('content-type')).to.match(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).to.equal('at,actor_kind,actor_name,action,field_groups,purpose,outcome,code,unit,packet_id,request_id');
    expect(lines[1]).to.include('client,000.00.00.G15,share.official.read,basic employment,<script>x</script>,ok');

    const html = await get(`/api/ops/people/${person(3)}/access?format=html&since=2020-01-01`);
    expect(html.headers.get('content-type')).to.match(/^text\/html/);
    const page = await html.text();
    expect(page).to.include('Báo cáo truy cập dữ liệu cá nhân');
    for (const column of ['Thời điểm', 'Bên truy cập', 'Hành động', 'Nhóm thông tin', 'Mục đích', 'Kết quả']) expect(page).to.include(`<th>${column}</th>`);
    expect(page).to.include('&#60;script&#62;x&#60;/script&#62;');
    expect(page).not.to.include('<script>');
    expect(page).to.include('Cơ quan có mã định danh 000.00.00.G15');
  });

  it('refuses a malformed số định danh, since, format or page with 400 and a code (the API document first, then the route)', async function () {
    const cases = [
      ['/api/ops/people/12345/access', 'http.bad_request', '/params/soDinhDanh'],
      ['/api/ops/people/02618500000x/access', 'http.bad_request', '/params/soDinhDanh'],
      [`/api/ops/people/${person(1)}/access?since=yesterday`, 'audit.bad_since', undefined],
      [`/api/ops/people/${person(1)}/access?format=pdf`, 'http.bad_request', '/query/format'],
      ['/api/ops/audit?person=123', 'http.bad_request', '/query/person'],
      ['/api/ops/audit?limit=5000', 'http.bad_request', '/query/limit'],
      ['/api/ops/audit?actor=a&actor=b', 'http.bad_request', '/query/actor'],
    ] as const;
    const answers = [];
    for (const [path] of cases) {
      const res = await get(path);
      const body = (await res.json()) as { code: string; details?: { path: string }[] };
      answers.push([path, res.status, body.code, body.details?.[0]?.path]);
    }
    expect(answers).to.deep.equal(cases.map(([path, code, detail]) => [path, 400, code, detail]));
  });

  it('reads a bare since date as midnight in Vietnam, and an ISO time as given', function () {
    expect(parseSince('2026-06-01')?.toISOString()).to.equal('2026-05-31T17:00:00.000Z');
    expect(parseSince('2026-06-01T08:00:00Z')?.toISOString()).to.equal('2026-06-01T08:00:00.000Z');
    expect(parseSince(undefined)).to.equal(undefined);
  });

  it('needs a token (401) and lets an operator read too', async function () {
    const anonymous = await get('/api/ops/audit', '');
    expect(anonymous.status).to.equal(401);
    expect((await get('/api/ops/audit?limit=1', 'olga/operator')).status).to.equal(200);
  });

  it('leaves an intact chain behind, and every route is in the OpenAPI fragment', async function () {
    await log.flush();
    expect((await verifyAuditLog(t.db, { trust: pki.trust })).ok).to.equal(true);
    const routes = (auditRouter(createAuditReader(t.db, log)).stack as { route?: { path: string } }[])
      .map((layer) => layer.route?.path.replace(/:(\w+)/g, '{$1}'))
      .filter(Boolean);
    expect(routes.sort()).to.deep.equal(Object.keys(auditOpenApi.paths).sort());
  });
});
