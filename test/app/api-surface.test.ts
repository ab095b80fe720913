import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startGateway, type RunningGateway } from '../../src/app/gateway.js';
import { startSteps } from '../../src/app/start-steps.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/logger.js';
import { createTokenService } from '../../src/tokens/token-service.js';
import { createTokenStore } from '../../src/tokens/token-store.js';
import { documentRoutes, expressRoutes, operationsOf } from '../http/api-operations.js';

/**
 * The whole /api surface as `csdl-gateway start` composes it (every start step, on the
 * embedded default): each capability's operations are in the served document, the routes
 * express serves under /api are exactly the documented operations, and every
 * documented operation refuses a missing, wrong, expired or revoked token with 401 and its
 * code, and an auditor's token with 403 where it needs an operator, whatever the body says
 * (the role is checked before the shape); an auditor gets past both on its own operations.
 */
describe('app: every /api operation of the started gateway needs a token and its role', function () {
  this.timeout(300_000);
  let dir: string;
  let running: RunningGateway;
  let base: string;
  const tokens = { operator: '', auditor: '', expired: '', revoked: '' };
  let ops: ReturnType<typeof operationsOf>;
  let documented: string[];

  before(async function () {
    dir = mkdtempSync(join(tmpdir(), 'csdl-api-surface-'));
    running = await startGateway(loadConfig({ DATA_DIR: dir, PORT: '0', SYNC_CRON: '0 0 1 1 *' }), silentLogger(), startSteps());
    base = `http://127.0.0.1:${running.port}`;
    tokens.operator = readFileSync(join(dir, 'operator-token'), 'utf8').trim();
    const store = createTokenStore(running.store.db);
    const service = createTokenService(store);
    tokens.auditor = (await service.create({ name: 'surface-auditor', role: 'auditor' })).token;
    tokens.expired = (await createTokenService(store, () => new Date(Date.now() - 10 * 86_400_000)).create({ name: 'surface-old', role: 'operator', expiresDays: 1 })).token;
    tokens.revoked = (await service.create({ name: 'surface-gone', role: 'operator' })).token;
    await service.revoke('surface-gone');
    const doc = await fetch(`${base}/api/openapi.json`, { headers: { authorization: `Bearer ${tokens.auditor}` } });
    expect(doc.status).to.equal(200);
    const document = await doc.json();
    ops = operationsOf(document).filter((op) => op.path.startsWith('/api/'));
    documented = documentRoutes(document);
  });
  after(async function () {
    await running?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function send(op: (typeof ops)[number], token: string | undefined, body = '{"unexpected": ["shape"]}') {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${base}${op.url}`, { method: op.method, headers, ...(op.method === 'GET' ? {} : { body }) });
    const answer = (await res.json().catch(() => ({}))) as { code?: string };
    return [res.status, answer.code] as const;
  }

  it("serves every capability's operations, each naming its role", function () {
    const paths = new Set(ops.map((op) => op.path));
    for (const path of ['/api/ops/summary', '/api/ops/packets/{id}/retry', '/api/ops/audit', '/api/ops/people/{soDinhDanh}/access', '/api/transfers']) {
      expect(paths, path).to.include(path);
    }
    for (const op of ops) expect(op.role, `${op.method} ${op.path}`).to.be.oneOf(['operator', 'auditor']);
  });

  it('every route the app serves (/api, /share, /healthz, /readyz, /metrics) is documented, and every documented operation is served', function () {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- express's routing table is walked as JSON
    const served = expressRoutes((running.app as any).router.stack);
    expect({ undocumented: served.filter((r) => !documented.includes(r)), unserved: documented.filter((r) => !served.includes(r)) }).to.deep.equal({ undocumented: [], unserved: [] });
    for (const route of ['GET /healthz', 'GET /readyz', 'GET /metrics', 'POST /share/oauth2/token', 'GET /share/v1/officials/{soDinhDanh}']) expect(served, route).to.include(route);
  });

  it('no token, a wrong, expired or revoked one: 401 with its code, on every operation', async function () {
    const wrong = tokens.auditor.slice(0, -4) + (tokens.auditor.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    for (const op of ops) {
      for (const [token, code] of [[undefined, 'auth.missing'], [wrong, 'auth.invalid'], [tokens.expired, 'auth.expired'], [tokens.revoked, 'auth.revoked']] as const) {
        expect(await send(op, token), `${op.method} ${op.path} -> ${code}`).to.deep.equal([401, code]);
      }
    }
  });

  it("an auditor's token: 403 on an operator's operation even with a body of the wrong shape; through on its own", async function () {
    for (const op of ops) {
      const [status, code] = await send(op, tokens.auditor);
      if (op.role === 'operator') expect([status, code], `${op.method} ${op.path}`).to.deep.equal([403, 'auth.forbidden']);
      else expect(status, `${op.method} ${op.path}`).not.to.be.oneOf([401, 403]);
    }
  });

  it("an operator's token gets past authentication everywhere; a body of the wrong shape is then a 400 with a code", async function () {
    for (const op of ops) {
      const [status, code] = await send(op, tokens.operator);
      expect(status, `${op.method} ${op.path}`).not.to.be.oneOf([401, 403]);
      if (status >= 400) expect(code, `${op.method} ${op.path}`).to.be.a('string');
    }
  });
});
