import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import Ajv2020Module from 'ajv/dist/2020.js';
import { expect } from 'chai';
import fc from 'fast-check';
import { nationalContract } from '../../src/contract/national-contract.js';
import { createClientAdmin } from '../../src/share/client-admin.js';
import { fieldPlan } from '../../src/share/field-filter.js';
import { createTokenService } from '../../src/tokens/token-service.js';
import { createTokenStore } from '../../src/tokens/token-store.js';
import { startFuzzGateway, type FuzzGateway } from './fuzz-gateway-app.js';
import { fuzzOperations, fuzzRequests, type Caller, type FuzzRequest } from './fuzz-requests.js';

/**
 * Every route of the served OpenAPI document, fuzzed against the app `start` serves (every
 * start step, the real audit log, tokens and sharing client, on the test run's PostgreSQL:
 * fuzz-gateway-app.ts; FUZZ_EMBEDDED=1 for the whole embedded default), over HTTP with fast-check: random methods, path case,
 * parameters, encodings, query values, callers, media types, charsets, sizes and bytes. What
 * must hold for every request: no 5xx; a refusal is JSON with a `component.reason` code; a 2xx
 * answer matches its documented schema; an answer to a client never holds a field outside its
 * grant (basic only here); and after the run, every refusal of an authenticated caller on a
 * path the gateway authenticates has its audit entry naming that caller. The budget is a count
 * of requests and a time limit; the seed is fresh each run and printed: replay with
 * FUZZ_SEED=<seed> (and FUZZ_RUNS=<n> for a longer run).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- the document and answers are JSON */
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env.FUZZ_RUNS ?? 400);
const TIME_LIMIT_MS = Number(process.env.FUZZ_TIME_MS ?? 60_000);
const CLIENT = '000.00.00.G12';
const Ajv2020 = Ajv2020Module.default;
/** FUZZ_SURVEY=1 counts the 5xx instead of stopping at the first: the figure before a fix. */
const SURVEY = process.env.FUZZ_SURVEY === '1';
const CODE = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;

interface Sent {
  id: string;
  caller: Caller;
  status: number;
  authenticated: boolean;
  line: string;
}

function send(base: URL, r: FuzzRequest, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    // A fresh connection each: a kept-alive socket the server closes as idle would fail the next request.
    const req = request({ host: base.hostname, port: base.port, method: r.method, path: r.path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    if (r.body) req.end(r.body);
    else req.end();
  });
}

describe('fuzz: every route of the OpenAPI document, random requests', function () {
  this.timeout(420_000);
  let running: FuzzGateway;
  let base: URL;
  let document: any;
  const tokens: Record<Caller, string | undefined> = { operator: '', auditor: '', client: '', none: undefined, garbage: 'not-a-token' };
  const plan = fieldPlan(nationalContract().schemas.official);

  before(async function () {
    running = await startFuzzGateway();
    base = running.url;
    const db = running.db;
    tokens.operator = readFileSync(join(running.dataDir, 'operator-token'), 'utf8').trim();
    tokens.auditor = (await createTokenService(createTokenStore(db)).create({ name: 'fuzz-auditor', role: 'auditor' })).token;
    const admin = createClientAdmin(db);
    const secret = await admin.add(CLIENT, 'fuzz client');
    await admin.grant(CLIENT, {
      routes: ['officials', 'units', 'statistics'], units: ['000.00.00.H62'], fieldGroups: ['basic'], purposes: ['kiem-tra'],
      expiresAt: new Date(Date.now() + 86_400_000), ratePerSecond: 100_000,
    });
    // Served people with every group filled in, so a leak of a group outside the grant shows.
    for (const [i, so] of ['026185001234', '026185001235', '026185001236'].entries()) {
      const record = {
        soDinhDanh: so, hoTen: `Người ${i}`, ngaySinh: '1990-01-01', donViSuDung: '000.00.00.H62', loaiNhanSu: { ma: 'CC', ten: 'Công chức' },
        luong: { ngach: { ma: '01.003', ten: 'Chuyên viên' }, heSo: 3.33 }, trinhDo: { chuyenMon: 'Cử nhân' }, danToc: { ma: '01', ten: 'Kinh' },
        quaTrinhCongTac: [{ tu: '2015-01-01' }],
      };
      await db.query(
        `INSERT INTO csdl_gateway.shared_records (so_dinh_danh, record, unit_code, status, loai_nhan_su, ngach, operation, approved_at, packet_id)
         VALUES ($1, $2::json, '000.00.00.H62', 'DANG_CONG_TAC', 'CC', '01.003', 'upsert', now(), gen_random_uuid())`,
        [so, JSON.stringify(record)],
      );
    }
    const issued = await fetch(`${base.origin}/share/oauth2/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `grant_type=client_credentials&client_id=${CLIENT}&client_secret=${secret}`,
    });
    tokens.client = ((await issued.json()) as { access_token: string }).access_token;
    const served = await fetch(`${base.origin}/api/openapi.json`, { headers: { authorization: `Bearer ${tokens.auditor}` } });
    document = await served.json();
  });
  after(async function () {
    await running?.stop();
  });

  it('answers every request without a 5xx, as documented, within the grant, and audits each refusal of an authenticated caller', async function () {
    const ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: false });
    ajv.addSchema(document, 'doc');
    const pointer = (p: string) => p.replace(/~/g, '~0').replace(/\//g, '~1');
    const ops = fuzzOperations(document);
    const sent: Sent[] = [];
    const failures: string[] = [];
    /** 4xx answers the document does not list for the operation asked (method and path as documented). */
    const undocumented = new Set<string>();
    let n = 0;
    /** Requests sent per documented operation, printed so a run shows it reached every one. */
    const perOp = new Map<string, number>(ops.map((o) => [`${o.method} ${o.path}`, 0]));
    console.log(`      fuzz seed ${SEED} (replay: FUZZ_SEED=${SEED}), ${ops.length} operations, up to ${RUNS} requests`);

    await fc.assert(fc.asyncProperty(fuzzRequests(ops), async (r) => {
      const id = `fuzz-${SEED}-${(n += 1)}`;
      perOp.set(`${r.op.method} ${r.op.path}`, (perOp.get(`${r.op.method} ${r.op.path}`) ?? 0) + 1);
      const headers: Record<string, string> = { 'x-request-id': id };
      const token = tokens[r.caller];
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
      if (r.contentType) headers['content-type'] = r.contentType;
      if (r.purpose !== undefined) headers['x-purpose'] = r.purpose;
      const res = await send(base, r, headers);
      const line = `${r.method} ${r.path.slice(0, 200)} as ${r.caller} (${r.contentType ?? 'no type'}, ${r.body?.length ?? 0} bytes) -> ${res.status}`;
      if (SURVEY && res.status >= 500) {
        failures.push(line);
        return;
      }
      expect(res.status, line).to.be.below(500);
      const isShare = r.op.path.startsWith('/share/v1/');
      const authenticated = r.exactPath && ((r.op.path.startsWith('/api/') && (r.caller === 'operator' || r.caller === 'auditor')) || (isShare && r.caller === 'client'));
      sent.push({ id, caller: r.caller, status: res.status, authenticated, line });
      // The statuses an operation lists are held for its own path; an empty parameter names another path.
      if (r.exactPath && !r.emptyParam && r.method === r.op.method && res.status >= 400 && res.status < 500) {
        const listed = document.paths[r.op.path]?.[r.method.toLowerCase()]?.responses ?? {};
        if (!(String(res.status) in listed) && !('4XX' in listed) && !('default' in listed)) {
          undocumented.add(`${r.method} ${r.op.path} -> ${res.status} ${res.body.toString('utf8').slice(0, 120)}`);
        }
      }
      if (r.method === 'HEAD' || res.body.length === 0) return;
      const type = String(res.headers['content-type'] ?? '');
      if (!type.startsWith('application/json')) return;
      const body = JSON.parse(res.body.toString('utf8'));
      if (res.status >= 400) {
        expect(body.code, line).to.match(CODE);
        expect(body.message, line).to.be.a('string');
        return;
      }
      if (r.exactPath && r.method === r.op.method) {
        const ref = `doc#/paths/${pointer(r.op.path)}/${r.method.toLowerCase()}/responses/${res.status}/content/application~1json/schema`;
        const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
        expect(validate(body), `${line}: ${ajv.errorsText(validate.errors)}`).to.equal(true);
      }
      if (isShare && r.caller === 'client') {
        const records = [body.record, ...(Array.isArray(body.items) ? body.items.map((i: any) => i.record) : [])].filter(Boolean);
        for (const record of records) {
          for (const key of Object.keys(record)) expect(plan.groupOf.get(key), `${line}: field ${key}`).to.equal('basic');
        }
        for (const g of body.fieldGroups ?? []) expect(g, line).to.equal('basic');
      }
    }), { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, endOnFailure: true });

    console.log(`      requests per operation:\n${[...perOp].map(([k, v]) => `        ${String(v).padStart(4)} ${k}`).join('\n')}`);
    if (SURVEY) console.log(`      survey: ${failures.length} answers 5xx of ${n}\n${[...new Set(failures)].slice(0, 40).join('\n')}`);
    console.log(`      4xx statuses not listed for their operation: ${undocumented.size}`);
    expect([...undocumented].slice(0, 20), 'every 4xx answered is listed for its operation in the document').to.deep.equal([]);
    const refused = sent.filter((s) => s.authenticated && s.status >= 400);
    const res = await running.db.query<{ request_id: string; actor_name: string; outcome: string }>(
      'SELECT request_id, actor_name, outcome FROM csdl_gateway.audit_log WHERE request_id = ANY($1::text[])',
      [refused.map((s) => s.id)],
    );
    const entries = new Map(res.rows.map((e) => [e.request_id, e]));
    const names: Partial<Record<Caller, string>> = { operator: 'first-operator', auditor: 'fuzz-auditor', client: CLIENT };
    const missing = refused.filter((s) => entries.get(s.id)?.actor_name !== names[s.caller] || entries.get(s.id)?.outcome === 'ok');
    console.log(`      ${sent.length} requests fuzzed, ${refused.length} refusals of an authenticated caller, ${missing.length} without their entry`);
    expect(missing.map((s) => s.line).slice(0, 10)).to.deep.equal([]);
  });
});
