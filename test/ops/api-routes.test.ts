import { expect } from 'chai';
import { Router } from 'express';
import { migrate } from '../../src/db/migrate.js';
import { freshDatabase, type TestDatabase } from '../setup/databases.js';
import { documentRoutes, expressRoutes } from '../http/api-operations.js';
import { startApiApp, type ApiApp } from './api-app.js';

/**
 * The OpenAPI document and the routes cannot drift apart: every /api route express serves is
 * in the served document with its method, and every documented operation has a route.
 * Routes are read from express's own routing table (Express 5: `app.router.stack`).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- express's routing table and the document are walked as JSON */
describe('ops API: the OpenAPI document lists exactly the /api routes', function () {
  this.timeout(60_000);
  let t: TestDatabase;
  let api: ApiApp;

  before(async function () {
    t = await freshDatabase('pglite');
    await migrate(t.db);
    api = await startApiApp(t.db);
  });
  after(async function () {
    await api?.close();
    await t?.drop();
  });

  async function drift(app: ApiApp): Promise<{ undocumented: string[]; unrouted: string[] }> {
    const routes = expressRoutes((app.app as any).router.stack).filter((r) => r.split(' ')[1]!.startsWith('/api/'));
    // The document also describes /healthz, /readyz, /metrics and /share: this test holds /api.
    const documented = documentRoutes((await app.get('/api/openapi.json', app.tokens.auditor)).body).filter((r) => r.split(' ')[1]!.startsWith('/api/'));
    expect(routes).to.include('GET /api/ops/packets/{id}/envelope');
    return { undocumented: routes.filter((r) => !documented.includes(r)), unrouted: documented.filter((r) => !routes.includes(r)) };
  }

  it('every express route under /api is documented, and every documented operation is routed', async function () {
    expect(await drift(api)).to.deep.equal({ undocumented: [], unrouted: [] });
  });

  it('a route left out of the document, or a documented path without a route, is caught', async function () {
    const extra = Router();
    extra.delete('/api/ops/packets/:id', (_req, res) => {
      res.end();
    });
    const other = await startApiApp(t.db, {
      routers: [extra],
      openApi: [{ paths: { '/api/ops/ghosts': { get: { 'x-required-role': 'auditor', responses: { 200: { description: 'none' } } } } } }],
    });
    try {
      expect(await drift(other)).to.deep.equal({ undocumented: ['DELETE /api/ops/packets/{id}'], unrouted: ['GET /api/ops/ghosts'] });
    } finally {
      await other.close();
    }
  });
});
