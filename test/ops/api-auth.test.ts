import { expect } from 'chai';
import { Router } from 'express';
import { requireRole } from '../../src/http/api-actor.js';
import type { OpenApiFragment } from '../../src/http/openapi.js';
import { migrate } from '../../src/db/migrate.js';
import { freshDatabase, type TestDatabase } from '../setup/databases.js';
import { operationsOf, type Operation } from '../http/api-operations.js';
import { startApiApp, type ApiApp } from './api-app.js';

/**
 * Every operation of the served OpenAPI document, walked from the document itself: no token,
 * a malformed one, a wrong one, an expired one and a revoked one are 401 with their code; an
 * auditor's token on an operation whose `x-required-role` is `operator` is 403
 * `auth.forbidden`, and on an auditor's operation it passes authentication. Path parameters
 * get a well-formed value of their schema, so the answer is about the token, never the shape.
 * (test/app/api-surface.test.ts walks the whole started gateway the same way.)
 */

/**
 * An operator-only action standing in for those the actions' routes add, so the 403 branch of
 * the walk runs today; the real ones arrive in the same document and are walked the same way.
 */
const actionFragment: OpenApiFragment = {
  paths: {
    '/api/test/packets/{id}/act': {
      post: {
        'x-required-role': 'operator',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
        requestBody: { content: { 'application/json': { schema: { type: 'object' } } } },
        responses: { 200: { description: 'done' } },
      },
    },
  },
};

function actionRouter(): Router {
  const router = Router();
  router.post('/api/test/packets/:id/act', requireRole('operator'), (_req, res) => {
    res.json({ done: true });
  });
  return router;
}

describe('ops API: every documented operation refuses bad tokens and wrong roles', function () {
  this.timeout(60_000);
  let t: TestDatabase;
  let api: ApiApp;
  let ops: Operation[];

  before(async function () {
    t = await freshDatabase('postgres');
    await migrate(t.db);
    api = await startApiApp(t.db, { routers: [actionRouter()], openApi: [actionFragment] });
    const doc = await api.get('/api/openapi.json', api.tokens.auditor);
    expect(doc.status).to.equal(200);
    // The token-free routes the document also describes (/healthz, /readyz, /metrics) are not this test's.
    ops = operationsOf(doc.body).filter((op) => op.path.startsWith('/api/'));
  });
  after(async function () {
    await api?.close();
    await t?.drop();
  });

  it('every operation names its required role', function () {
    expect(ops.length).to.be.greaterThan(5);
    expect(ops.filter((o) => o.role === 'operator')).to.have.length.greaterThan(0);
    for (const op of ops) expect(op.role, `${op.method} ${op.path}`).to.be.oneOf(['operator', 'auditor']);
  });

  async function send(op: Operation, authorization: string | undefined): Promise<{ status: number; code: string | undefined; challenge: string | null }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (authorization !== undefined) headers.authorization = authorization;
    const res = await fetch(`${api.base}${op.url}`, { method: op.method, headers, ...(op.method === 'GET' ? {} : { body: '{}' }) });
    const body = (await res.json().catch(() => ({}))) as { code?: string };
    return { status: res.status, code: body.code, challenge: res.headers.get('www-authenticate') };
  }

  it('no token, a malformed, wrong, expired or revoked token: 401 with the reason as code, on every operation', async function () {
    const wrong = api.tokens.auditor.slice(0, -4) + (api.tokens.auditor.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    const cases: [string, string | undefined, string][] = [
      ['none', undefined, 'auth.missing'],
      ['not bearer', `Basic ${Buffer.from('a:b').toString('base64')}`, 'auth.invalid'],
      ['not a token', 'Bearer hello', 'auth.invalid'],
      ['wrong secret', `Bearer ${wrong}`, 'auth.invalid'],
      ['expired', `Bearer ${api.tokens.expired}`, 'auth.expired'],
      ['revoked', `Bearer ${api.tokens.revoked}`, 'auth.revoked'],
    ];
    for (const op of ops) {
      for (const [name, header, code] of cases) {
        const res = await send(op, header);
        expect([res.status, res.code], `${op.method} ${op.path} with ${name}`).to.deep.equal([401, code]);
        expect(res.challenge).to.match(/^Bearer /);
      }
    }
  });

  it("an auditor's token: 403 auth.forbidden where the operator role is required, through otherwise", async function () {
    for (const op of ops) {
      const auditor = await send(op, `Bearer ${api.tokens.auditor}`);
      const operator = await send(op, `Bearer ${api.tokens.operator}`);
      if (op.role === 'operator') {
        expect([auditor.status, auditor.code], `${op.method} ${op.path}`).to.deep.equal([403, 'auth.forbidden']);
      } else {
        expect(auditor.status, `${op.method} ${op.path}`).not.to.be.oneOf([401, 403]);
      }
      expect(operator.status, `${op.method} ${op.path}`).not.to.be.oneOf([401, 403]);
    }
  });

  it('an /api path nobody serves still needs a token first', async function () {
    const res = await fetch(`${api.base}/api/nothing-here`);
    expect(res.status).to.equal(401);
  });
});
