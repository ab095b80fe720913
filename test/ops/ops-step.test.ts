import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { auditStep } from '../../src/app/audit-step.js';
import { FIRST_TOKEN_NAME, opsStep } from '../../src/app/ops-step.js';
import { signingStep } from '../../src/app/signing-step.js';
import { startGateway, type RunningGateway } from '../../src/app/gateway.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/logger.js';

/**
 * The ops start step on the embedded default: the first start creates the first operator
 * token, shows it once in the start-up lines and leaves it in DATA_DIR/operator-token (0600);
 * a later start creates none. Without an audit log, reads of personal data are refused; the
 * audit gauges of /metrics count the store's audit log.
 */
describe('app: the ops start step on the embedded default', function () {
  this.timeout(120_000);
  let dir: string;
  let running: RunningGateway | undefined;

  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'csdl-ops-step-'));
  });
  afterEach(async function () {
    await running?.stop();
    running = undefined;
  });
  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  const get = (path: string, token?: string) =>
    fetch(`http://127.0.0.1:${running!.port}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

  let firstToken: string;

  it('first start: an operator token shown once in the summary and written to DATA_DIR/operator-token (0600)', async function () {
    running = await startGateway(loadConfig({ DATA_DIR: dir, PORT: '0' }), silentLogger(), [opsStep]);
    const file = join(dir, 'operator-token');
    firstToken = readFileSync(file, 'utf8').trim();
    expect(statSync(file).mode & 0o777).to.equal(0o600);
    expect(running.summary.filter((l) => l.includes(firstToken))).to.have.length(1);
    const doc = await get('/api/openapi.json', firstToken);
    expect(doc.status).to.equal(200);
    expect(Object.keys(((await doc.json()) as { paths: object }).paths)).to.include('/api/ops/summary');
    expect((await get('/api/ops/summary')).status).to.equal(401);
    const summary = await get('/api/ops/summary', firstToken);
    expect(summary.status).to.equal(200);
    // No audit log in this composition: a search of personal data is refused, not served untraced.
    const records = await get('/api/ops/records', firstToken);
    expect([records.status, ((await records.json()) as { code: string }).code]).to.deep.equal([503, 'audit.unavailable']);
    const ready = (await (await get('/readyz')).json()) as { checks: { name: string }[] };
    expect(ready.checks.map((c) => c.name)).to.include('operations');
    const metrics = await (await get('/metrics')).text();
    // The audit gauges count the store's audit log, empty so far.
    expect(metrics).to.contain('csdl_gateway_packets').and.contain('process_cpu').and.match(/^csdl_gateway_audit_entries 0$/m);
  });

  it('a later start creates no token and shows none', async function () {
    running = await startGateway(loadConfig({ DATA_DIR: dir, PORT: '0' }), silentLogger(), [signingStep, auditStep, opsStep]);
    expect(running.summary.join('\n')).not.to.contain('csdlgw_');
    const names = await running.store.db.query<{ name: string }>('SELECT name FROM csdl_gateway.api_tokens');
    expect(names.rows.map((r) => r.name)).to.deep.equal([FIRST_TOKEN_NAME]);
    // With the audit log in place the search is served, and audited in the store the gauges count.
    expect((await get('/api/ops/records', firstToken)).status).to.equal(200);
    const held = await running.store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM csdl_gateway.audit_log');
    expect(held.rows[0]!.n).to.be.greaterThan(0);
    expect(await (await get('/metrics')).text()).to.match(new RegExp(`^csdl_gateway_audit_entries ${held.rows[0]!.n}$`, 'm'));
  });
});
