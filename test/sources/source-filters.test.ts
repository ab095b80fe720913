import { expect } from 'chai';
import type { Server } from 'node:http';
import { openAuditLog } from '../../src/compose/audit-log.js';
import { composeOps } from '../../src/compose/ops-compose.js';
import { sourceHandles } from '../../src/compose/source-handles.js';
import { openNamedSource } from '../../src/compose/databases.js';
import { createDb } from '../../src/db/db.js';
import { writeFileSync } from 'node:fs';
import { loadConfig } from '../../src/config/config.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { silentLogger } from '../../src/log/logger.js';
import { createTokenService } from '../../src/tokens/token-service.js';
import { createTokenStore } from '../../src/tokens/token-store.js';
import { startMergedWorld, type MergedWorld } from './merged-world.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- CLI JSON is a known shape */
/**
 * `mapping gaps` and `tx person` in a merged province, on two real PostgreSQL databases and the
 * built CLI: gaps are read from every source through its own mapping, each naming its source,
 * and `--source` keeps one; `tx person --source` shows only that source's versions, though
 * vendor ids collide across the two databases (both have person 1, 2...).
 */
describe('merged province: mapping gaps and tx person by source', function () {
  this.timeout(300_000);
  let w: MergedWorld;

  before(async function () {
    w = await startMergedWorld(8);
    // tinh-b's people are its own (another serial in each số định danh): no conflicts.
    await w.nhansu.db.query(
      "UPDATE nhansu.employee SET citizen_id = left(regexp_replace(citizen_id, '[^0-9]', '', 'g'), 6) || '9999' || lpad(emp_id::text, 2, '0')");
    // A value nhansu's mapping cannot know, so tinh-b has a gap of its own.
    await w.nhansu.db.query("UPDATE nhansu.employee SET birth_province = 'Tỉnh Xa Lạ Mới' WHERE emp_id = (SELECT min(emp_id) FROM nhansu.employee)");
    const run = await w.cli(['sync', '--json']);
    expect(run.code, run.stderr).to.equal(0);
  });
  after(async function () {
    await w?.close();
  });

  it('mapping gaps reads every source through its own mapping, each gap naming its source; --source keeps one', async function () {
    const all = await w.cli(['mapping', 'gaps', '--json']);
    expect(all.code, all.stderr).to.equal(0);
    const gaps = JSON.parse(all.stdout) as any[];
    expect(gaps.every((g) => g.sourceName === 'tinh-a' || g.sourceName === 'tinh-b')).to.equal(true);
    expect(gaps.some((g) => g.sourceName === 'tinh-b' && g.value === 'Tỉnh Xa Lạ Mới' && g.source.startsWith('nhansu.'))).to.equal(true);
    expect(gaps.filter((g) => g.sourceName === 'tinh-a').every((g) => g.source.startsWith('qlcb.') || g.list === 'don_vi')).to.equal(true);

    const one = await w.cli(['mapping', 'gaps', '--source', 'tinh-b', '--json']);
    expect(one.code, one.stderr).to.equal(0);
    expect(JSON.parse(one.stdout)).to.deep.equal(gaps.filter((g) => g.sourceName === 'tinh-b'));
    const text = await w.cli(['mapping', 'gaps', '--source', 'tinh-b']);
    expect(text.stdout).to.contain('source tinh-b (nhansu)').and.contain('Tỉnh Xa Lạ Mới').and.not.contain('source tinh-a');

    const unknown = await w.cli(['mapping', 'gaps', '--source', 'tinh-z']);
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.contain("no source named 'tinh-z'");
  });

  it('tx person --source shows that source\'s versions only, though the vendor id is both sources\'', async function () {
    const shared = await w.store.db.query<{ vendor_id: string }>(
      `SELECT vendor_id FROM csdl_gateway.record_versions GROUP BY vendor_id HAVING count(DISTINCT source) = 2 ORDER BY vendor_id LIMIT 1`);
    const vendorId = shared.rows[0]!.vendor_id;
    const both = await w.cli(['tx', 'person', '--vendor-id', vendorId, '--json']);
    expect(both.code, both.stderr).to.equal(0);
    const mixed = (JSON.parse(both.stdout).people as any[]).flatMap((p) => p.versions.map((v: any) => v.source));
    expect(new Set(mixed)).to.deep.equal(new Set(['tinh-a', 'tinh-b']));

    for (const source of ['tinh-a', 'tinh-b']) {
      const run = await w.cli(['tx', 'person', '--vendor-id', vendorId, '--source', source, '--json']);
      expect(run.code, run.stderr).to.equal(0);
      const people = JSON.parse(run.stdout).people as any[];
      expect(people).to.have.length(1);
      expect(people[0].versions.length).to.be.greaterThan(0);
      expect(people[0].versions.every((v: any) => v.source === source)).to.equal(true);
      expect(people[0].inSource).to.equal(true);
    }
    const text = await w.cli(['tx', 'person', '--vendor-id', vendorId, '--source', 'tinh-b']);
    expect(text.stdout).to.contain(`vendor id tinh-b/${vendorId}`);

    // A person of tinh-b only, asked of tinh-a: not found there.
    const bOnly = (await w.store.db.query<{ sdd: string }>("SELECT so_dinh_danh AS sdd FROM csdl_gateway.record_versions WHERE source = 'tinh-b' AND so_dinh_danh IS NOT NULL LIMIT 1")).rows[0]!.sdd;
    const missing = await w.cli(['tx', 'person', bOnly, '--source', 'tinh-a']);
    expect(missing.code).to.not.equal(0);
    expect(missing.stderr).to.contain('ops.person_not_found');
    const found = await w.cli(['tx', 'person', bOnly, '--source', 'tinh-b', '--json']);
    expect(found.code, found.stderr).to.equal(0);
    expect(JSON.parse(found.stdout).people[0].soDinhDanh).to.equal(bOnly);
  });

  it('GET /api/ops/people/{key}/explain?source=NAME answers as tx person --source, audited as the token; an unknown source is 400 with its code', async function () {
    const config = loadConfig(w.env);
    const handles = sourceHandles(config, silentLogger());
    const audit = await openAuditLog(w.store.db, undefined, silentLogger());
    const tokens = createTokenService(createTokenStore(w.store.db));
    const auditor = (await tokens.create({ name: 'explain-auditor', role: 'auditor' })).token;
    // As start composes it (ops-step.ts); `listed` plays the sources file (tinh-b left out: removed).
    const serve = async (listed: typeof handles) => {
      const ops = composeOps({ db: w.store.db, audit, workingDaysBetween: () => 0, sourceExplainers: listed });
      const app = createHttpApp({ logger: silentLogger(), readiness: [], routers: ops.routers, openApi: [ops.openApi], tokens });
      const server: Server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
      const port = (server.address() as { port: number }).port;
      return {
        get: async (path: string) => {
          const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${auditor}` } });
          return { status: res.status, body: (await res.json()) as any };
        },
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
      };
    };
    const entries = async () => (await w.store.db.query<{ actor_name: string; outcome: string; code: string | null; source: string; people: string[] }>(
      "SELECT actor_name, outcome, code, source, people FROM csdl_gateway.audit_log WHERE action = 'ops.person.explain' AND actor_name = 'explain-auditor' ORDER BY seq")).rows;
    const shared = await w.store.db.query<{ vendor_id: string }>(
      'SELECT vendor_id FROM csdl_gateway.record_versions GROUP BY vendor_id HAVING count(DISTINCT source) = 2 ORDER BY vendor_id LIMIT 1');
    const vendorId = shared.rows[0]!.vendor_id;
    const bOnly = (await w.store.db.query<{ sdd: string }>("SELECT so_dinh_danh AS sdd FROM csdl_gateway.record_versions WHERE source = 'tinh-b' AND so_dinh_danh IS NOT NULL LIMIT 1")).rows[0]!.sdd;
    const api = await serve(handles);
    try {
      for (const source of ['tinh-a', 'tinh-b']) {
        const res = await api.get(`/api/ops/people/${vendorId}/explain?by=vendorId&source=${source}`);
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        expect(res.body.people).to.have.length(1);
        expect(res.body.people[0].versions.length).to.be.greaterThan(0);
        expect(res.body.people[0].versions.every((v: any) => v.source === source)).to.equal(true);
        expect(res.body.people[0].inSource).to.equal(true);
      }
      // The same answer as the CLI's, for a person of tinh-b only.
      const byHttp = await api.get(`/api/ops/people/${bOnly}/explain?source=tinh-b`);
      const byCli = await w.cli(['tx', 'person', bOnly, '--source', 'tinh-b', '--json']);
      expect(byHttp.body).to.deep.equal(JSON.parse(byCli.stdout));
      expect((await api.get(`/api/ops/people/${bOnly}/explain?source=tinh-a`)).body.code).to.equal('ops.person_not_found');

      const unknown = await api.get(`/api/ops/people/${bOnly}/explain?source=tinh-z`);
      expect([unknown.status, unknown.body.code]).to.deep.equal([400, 'sources.unknown_source']);
      expect(unknown.body.message).to.contain("no source named 'tinh-z'").and.contain('không có nguồn');
      const malformed = await api.get(`/api/ops/people/${bOnly}/explain?source=Bad_Name`);
      expect([malformed.status, malformed.body.code]).to.deep.equal([400, 'http.bad_request']);
    } finally {
      await api.close();
    }
    // A source the file no longer lists: its stored versions, its database not read.
    const removed = await serve(handles.filter((h) => h.name === 'tinh-a'));
    try {
      const res = await removed.get(`/api/ops/people/${bOnly}/explain?source=tinh-b`);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.people[0].versions.every((v: any) => v.source === 'tinh-b')).to.equal(true);
      expect(res.body.people[0].inSource).to.equal(false);
    } finally {
      await removed.close();
      await audit.close();
      for (const h of handles) await h.close();
    }
    expect((await entries()).map((e) => [e.outcome, e.code, e.source])).to.deep.equal([
      ['ok', null, 'tinh-a'], ['ok', null, 'tinh-b'], ['ok', null, 'tinh-b'], ['refused', 'ops.person_not_found', 'tinh-a'],
      ['refused', 'sources.unknown_source', 'tinh-z'], ['ok', null, 'tinh-b'],
    ]);
    expect((await entries())[4]!.people).to.deep.equal([bOnly]);
  });
  it('a listed source whose database is down: 503 sources.source_unavailable over HTTP and from tx person --source, never the driver\'s error, each audited', async function () {
    const config = loadConfig(w.env);
    const [tinhA] = sourceHandles(config, silentLogger());
    const audit = await openAuditLog(w.store.db, undefined, silentLogger());
    const tokens = createTokenService(createTokenStore(w.store.db));
    const auditor = (await tokens.create({ name: 'down-auditor', role: 'auditor' })).token;
    // tinh-b's database does not open (nothing listens on port 1); tinh-a's pool is open but has lost its server.
    const gone = createDb('postgres://gw@127.0.0.1:1/qlcb', { max: 1 });
    const listed = [
      { name: 'tinh-a', mapping: tinhA!.mapping, db: async () => gone },
      { name: 'tinh-b', mapping: tinhA!.mapping, db: () => openNamedSource(config, 'tinh-b', 'postgres://gw@127.0.0.1:1/nhansu').then((d) => d.db) },
    ];
    const ops = composeOps({ db: w.store.db, audit, workingDaysBetween: () => 0, sourceExplainers: listed });
    const app = createHttpApp({ logger: silentLogger(), readiness: [], routers: ops.routers, openApi: [ops.openApi], tokens });
    const server: Server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
    const port = (server.address() as { port: number }).port;
    const aOnly = (await w.store.db.query<{ sdd: string; vendor_id: string }>(
      "SELECT so_dinh_danh AS sdd, vendor_id FROM csdl_gateway.record_versions WHERE source = 'tinh-a' AND so_dinh_danh IS NOT NULL LIMIT 1")).rows[0]!;
    try {
      const get = async (path: string) => {
        const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { authorization: `Bearer ${auditor}` } });
        return { status: res.status, text: await res.text() };
      };
      for (const [source, by, key] of [['tinh-b', 'soDinhDanh', aOnly.sdd], ['tinh-a', 'vendorId', aOnly.vendor_id]] as const) {
        const res = await get(`/api/ops/people/${key}/explain?by=${by}&source=${source}`);
        expect(res.status, res.text).to.equal(503);
        const body = JSON.parse(res.text) as { code: string; message: string };
        expect(body.code).to.equal('sources.source_unavailable');
        expect(body.message).to.contain(`source '${source}' cannot be reached`).and.contain('không kết nối được');
        expect(res.text).not.to.match(/ECONNREFUSED|127\.0\.0\.1|connect/);
      }
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await audit.close();
      await tinhA!.close();
      await gone.close();
    }
    const entries = (await w.store.db.query<{ outcome: string; code: string | null; source: string; people: string[] }>(
      "SELECT outcome, code, source, people FROM csdl_gateway.audit_log WHERE action = 'ops.person.explain' AND actor_name = 'down-auditor' ORDER BY seq")).rows;
    expect(entries.map((e) => [e.outcome, e.code, e.source])).to.deep.equal([
      ['error', 'sources.source_unavailable', 'tinh-b'], ['error', 'sources.source_unavailable', 'tinh-a']]);
    expect(entries[0]!.people).to.deep.equal([aOnly.sdd]);

    // The CLI: the same code, one line, exit 1 as the pull's unavailable source; the read audited as the OS user.
    writeFileSync(w.sourcesFile, JSON.stringify([
      { name: 'tinh-a', databaseUrl: w.qlcb.url, mapping: 'mappings/qlcb' },
      { name: 'tinh-b', databaseUrl: 'postgres://gw@127.0.0.1:1/nhansu', mapping: 'mappings/nhansu' }]));
    try {
      const cli = await w.cli(['tx', 'person', aOnly.sdd, '--source', 'tinh-b']);
      expect(cli.code, cli.stderr).to.equal(1);
      expect(cli.stderr).to.contain('sources.source_unavailable').and.contain("source 'tinh-b' cannot be reached").and.not.contain('ECONNREFUSED');
    } finally {
      w.writeSources();
    }
    const cliEntry = (await w.store.db.query<{ actor_kind: string; outcome: string; code: string | null; source: string }>(
      "SELECT actor_kind, outcome, code, source FROM csdl_gateway.audit_log WHERE action = 'ops.person.explain' ORDER BY seq DESC LIMIT 1")).rows[0];
    expect(cliEntry).to.deep.equal({ actor_kind: 'cli', outcome: 'error', code: 'sources.source_unavailable', source: 'tinh-b' });
  });
  it('tx person and explain without a source look a CMND up in every source, each through its own mapping, naming each hit\'s source; a source that is down is named and the others answer', async function () {
    const CMND = '151234567';
    const one = async (source: string) => (await w.store.db.query<{ vendor_id: string; sdd: string }>(
      'SELECT vendor_id, so_dinh_danh AS sdd FROM csdl_gateway.record_versions WHERE source = $1 AND so_dinh_danh IS NOT NULL ORDER BY id LIMIT 1', [source])).rows[0]!;
    const a = await one('tinh-a');
    const b = await one('tinh-b');
    const oldA = (await w.qlcb.db.query<{ v: string }>('SELECT so_cccd AS v FROM qlcb.can_bo WHERE id::text = $1', [a.vendor_id])).rows[0]!.v;
    const oldB = (await w.nhansu.db.query<{ v: string }>('SELECT citizen_id AS v FROM nhansu.employee WHERE emp_id::text = $1', [b.vendor_id])).rows[0]!.v;
    // The same old card number in both databases, each in its vendor's column (qlcb so_cccd, nhansu citizen_id).
    await w.qlcb.db.query('UPDATE qlcb.can_bo SET so_cccd = $1 WHERE id::text = $2', [CMND, a.vendor_id]);
    await w.nhansu.db.query('UPDATE nhansu.employee SET citizen_id = $1 WHERE emp_id::text = $2', [CMND, b.vendor_id]);
    try {
      const both = await w.cli(['tx', 'person', CMND, '--json']);
      expect(both.code, both.stderr).to.equal(0);
      const found = JSON.parse(both.stdout) as any;
      expect(found.people.map((p: any) => [p.source, p.vendorId, p.soDinhDanh, p.inSource])).to.deep.equal([
        ['tinh-a', a.vendor_id, a.sdd, true], ['tinh-b', b.vendor_id, b.sdd, true]]);
      for (const p of found.people) expect(p.versions.every((v: any) => v.source === p.source)).to.equal(true);
      expect(found.unavailable).to.equal(undefined);
      const text = await w.cli(['tx', 'person', CMND]);
      expect(text.stdout).to.contain(`vendor id tinh-a/${a.vendor_id}`).and.contain(`vendor id tinh-b/${b.vendor_id}`);

      // Over HTTP, as start composes it: the same people.
      const config = loadConfig(w.env);
      const handles = sourceHandles(config, silentLogger());
      const audit = await openAuditLog(w.store.db, undefined, silentLogger());
      const tokens = createTokenService(createTokenStore(w.store.db));
      const auditor = (await tokens.create({ name: 'every-source-auditor', role: 'auditor' })).token;
      const ops = composeOps({ db: w.store.db, audit, workingDaysBetween: () => 0, sourceExplainers: handles });
      const app = createHttpApp({ logger: silentLogger(), readiness: [], routers: ops.routers, openApi: [ops.openApi], tokens });
      const server: Server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
      try {
        const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/api/ops/people/${CMND}/explain?by=cmnd`, { headers: { authorization: `Bearer ${auditor}` } });
        expect(res.status).to.equal(200);
        expect(await res.json()).to.deep.equal(found);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await audit.close();
        for (const h of handles) await h.close();
      }

      // tinh-b down: named, tinh-a still answers.
      writeFileSync(w.sourcesFile, JSON.stringify([
        { name: 'tinh-a', databaseUrl: w.qlcb.url, mapping: 'mappings/qlcb' },
        { name: 'tinh-b', databaseUrl: 'postgres://gw@127.0.0.1:1/nhansu', mapping: 'mappings/nhansu' }]));
      try {
        const half = await w.cli(['tx', 'person', CMND, '--json']);
        expect(half.code, half.stderr).to.equal(0);
        const answered = JSON.parse(half.stdout) as any;
        expect(answered.people.map((p: any) => [p.source, p.vendorId])).to.deep.equal([['tinh-a', a.vendor_id]]);
        expect(answered.unavailable.map((u: any) => [u.source, u.code])).to.deep.equal([['tinh-b', 'sources.source_unavailable']]);
        const halfText = await w.cli(['tx', 'person', CMND]);
        expect(halfText.code).to.equal(0);
        expect(halfText.stdout).to.contain(`vendor id tinh-a/${a.vendor_id}`).and.contain('source tinh-b could not be read').and.not.contain('ECONNREFUSED');
        // Only in the source that is down: refused with its code, not "not found".
        const bOnly = await w.cli(['tx', 'person', b.sdd]);
        expect(bOnly.code).to.equal(1);
        expect(bOnly.stderr).to.contain('sources.source_unavailable');
      } finally {
        w.writeSources();
      }
    } finally {
      await w.qlcb.db.query('UPDATE qlcb.can_bo SET so_cccd = $1 WHERE id::text = $2', [oldA, a.vendor_id]);
      await w.nhansu.db.query('UPDATE nhansu.employee SET citizen_id = $1 WHERE emp_id::text = $2', [oldB, b.vendor_id]);
    }
    const entries = (await w.store.db.query<{ actor_kind: string; outcome: string; code: string | null; source: string; people: string[] }>(
      "SELECT actor_kind, outcome, code, source, people FROM csdl_gateway.audit_log WHERE action = 'ops.person.explain' ORDER BY seq DESC LIMIT 9")).rows.reverse();
    // Each source read has its entry naming its people; the refusal names the number asked about.
    expect(entries.map((e) => [e.actor_kind, e.outcome, e.code, e.source, e.people])).to.deep.equal([
      ['cli', 'ok', null, 'tinh-a', [a.sdd, CMND]], ['cli', 'ok', null, 'tinh-b', [b.sdd, CMND]],
      ['cli', 'ok', null, 'tinh-a', [a.sdd, CMND]], ['cli', 'ok', null, 'tinh-b', [b.sdd, CMND]],
      ['token', 'ok', null, 'tinh-a', [a.sdd, CMND]], ['token', 'ok', null, 'tinh-b', [b.sdd, CMND]],
      ['cli', 'ok', null, 'tinh-a', [a.sdd, CMND]], ['cli', 'ok', null, 'tinh-a', [a.sdd, CMND]],
      ['cli', 'error', 'sources.source_unavailable', 'tinh-b', [b.sdd]]]);
  });
});
