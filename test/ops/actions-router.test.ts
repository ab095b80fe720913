import type { Server } from 'node:http';
import { expect } from 'chai';
import { createHttpApp } from '../../src/http/http-app.js';
import { opsActionsOpenApi } from '../../src/ops/ops-actions-openapi.js';
import { opsActionsRouter } from '../../src/ops/ops-actions-router.js';
import type { ActionBy, OpsActionsService } from '../../src/ops/ops-actions-service.js';
import { emptySummary } from '../../src/sync/sync-summary.js';
import { fakeTokens } from '../http/fake-tokens.js';
import { quietLogger } from '../sync/sync-harness.js';

/**
 * The actions' routes: operator role only (none 401, an auditor 403), the path parameter,
 * the reason and the actor reach the service, the request id goes with them; and every route
 * is in the OpenAPI fragment with `x-required-role: operator`, and nothing more.
 */
const PACKET = '7d4a3f1e-0b5c-4e8a-9c2d-1f6e5a4b3c2d';

function stubService(calls: unknown[][]): OpsActionsService {
  const answer = (action: 'retry' | 'resend' | 'settle' | 'cancel') => async (subject: string, by: ActionBy, reason: string) => {
    calls.push([action, subject, by, reason]);
    return { action, queued: 0, packets: [], leftForNextSync: 0, summary: emptySummary() };
  };
  const prefer = async (subject: string, source: string, by: ActionBy, reason: string) => {
    calls.push(['prefer', subject, source, by, reason]);
    return { action: 'prefer' as const, queued: 1, packets: [], leftForNextSync: 0, summary: emptySummary() };
  };
  return { retry: answer('retry'), resend: answer('resend'), settle: answer('settle'), cancel: answer('cancel'), prefer };
}

describe('ops actions: routes', function () {
  let server: Server;
  let base: string;
  const calls: unknown[][] = [];

  before(async function () {
    const app = createHttpApp({
      logger: quietLogger(), readiness: [], routers: [opsActionsRouter(stubService(calls))], openApi: [opsActionsOpenApi], tokens: fakeTokens(),
    });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  after(function () {
    server?.close();
  });

  const post = (path: string, token: string | undefined, body: unknown) => fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': 'req-0001', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

  const routes: [string, string, string][] = [
    ['retry', `/api/ops/packets/${PACKET}/retry`, PACKET],
    ['cancel', `/api/ops/packets/${PACKET}/cancel`, PACKET],
    ['resend', '/api/ops/people/026185001234/resend', '026185001234'],
    ['settle', '/api/ops/records/42/settle', '42'],
  ];

  for (const [action, path, subject] of routes) {
    it(`${action}: 401 without a token, 403 for an auditor, done for an operator with the reason and request id`, async function () {
      calls.length = 0;
      const none = await post(path, undefined, { reason: 'x' });
      expect([none.status, ((await none.json()) as { code: string }).code]).to.deep.equal([401, 'auth.missing']);
      const auditor = await post(path, 't-auditor/auditor', { reason: 'x' });
      expect([auditor.status, ((await auditor.json()) as { code: string }).code]).to.deep.equal([403, 'auth.forbidden']);
      expect(calls).to.deep.equal([]);
      const ok = await post(path, 't-operator/operator', { reason: 'NDXP back' });
      expect(ok.status).to.equal(200);
      expect(((await ok.json()) as { action: string }).action).to.equal(action);
      expect(calls).to.deep.equal([[action, subject, { actor: { kind: 'token', name: 't-operator' }, requestId: 'req-0001' }, 'NDXP back']]);
    });
  }

  it('hands a missing reason to the service as empty (it refuses with ops.reason_required); a non-text one is refused by the API document', async function () {
    calls.length = 0;
    await post('/api/ops/records/42/settle', 't-operator/operator', {});
    const numeric = await post('/api/ops/records/42/settle', 't-operator/operator', { reason: 7 });
    const body = (await numeric.json()) as { code: string; details: { path: string }[] };
    expect([numeric.status, body.code, body.details[0]?.path]).to.deep.equal([400, 'http.bad_request', '/body/reason']);
    expect(calls.map((c) => c[3])).to.deep.equal(['']);
  });

  it('prefer (a merged province): operators only, the source from the body; without a source the API document refuses it', async function () {
    calls.length = 0;
    const auditor = await post('/api/ops/people/026185001234/prefer', 't-auditor/auditor', { source: 'tinh-b', reason: 'x' });
    expect(auditor.status).to.equal(403);
    const none = await post('/api/ops/people/026185001234/prefer', 't-operator/operator', { reason: 'x' });
    expect([none.status, ((await none.json()) as { code: string }).code]).to.deep.equal([400, 'http.bad_request']);
    const ok = await post('/api/ops/people/026185001234/prefer', 't-operator/operator', { source: 'tinh-b', reason: 'hồ sơ ở tỉnh B' });
    expect(ok.status).to.equal(200);
    expect(calls).to.deep.equal([['prefer', '026185001234', 'tinh-b', { actor: { kind: 'token', name: 't-operator' }, requestId: 'req-0001' }, 'hồ sơ ở tỉnh B']]);
  });

  it('describes exactly these routes in the OpenAPI fragment, each for operators', function () {
    const described = Object.entries(opsActionsOpenApi.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => [method, path, (op as Record<string, unknown>)['x-required-role']]));
    const served = [...routes.map(([, path]) => path), '/api/ops/people/026185001234/prefer']
      .map((path) => ['post', path.replace(PACKET, '{id}').replace('026185001234', '{soDinhDanh}').replace('/42/', '/{id}/'), 'operator']);
    expect(described.sort()).to.deep.equal(served.sort());
  });
});
