import type { Server } from 'node:http';
import { expect } from 'chai';
import { Router } from 'express';
import { createDb } from '../../src/db/db.js';
import { migrate } from '../../src/db/migrate.js';
import { storeReadiness } from '../../src/http/store-readiness.js';
import { GatewayError } from '../../src/errors.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { createLogger } from '../../src/log/logger.js';
import { BACKENDS, freshDatabase, type TestDatabase } from '../setup/databases.js';
import { lineSink, type LineSink } from '../foundation/support/line-sink.js';
import { createTokenService } from '../../src/tokens/token-service.js';
import { createTokenStore } from '../../src/tokens/token-store.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A router standing in for the routes later issues add. */
function testRouter(): Router {
  const router = Router();
  router.post('/test/echo', (req, res) => {
    res.json({ got: req.body as unknown });
  });
  router.get('/test/refused', async () => {
    throw new GatewayError('test.teapot', 'refused on purpose', { status: 418 });
  });
  router.get('/test/no-status', () => {
    throw new GatewayError('test.plain', 'no status given');
  });
  router.get('/test/no-status-retryable', () => {
    throw new GatewayError('test.unreachable', 'store unreachable', { retryable: true });
  });
  router.get('/test/crash', () => {
    throw new Error('secret internal detail');
  });
  return router;
}

function listen(app: ReturnType<typeof createHttpApp>): Promise<{ server: Server; base: string }> {
  return new Promise((resolve, reject) => {
    const server = app.listen(0, '127.0.0.1');
    server.once('error', reject);
    server.once('listening', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ server, base: `http://127.0.0.1:${port}` });
    });
  });
}

for (const backend of BACKENDS) {
  describe(`http: createHttpApp with a real store (${backend})`, function () {
    this.timeout(60_000);
    let t: TestDatabase;
    let server: Server;
    let base: string;
    let sink: LineSink;

    before(async function () {
      t = await freshDatabase(backend);
      sink = lineSink();
      const logger = createLogger({ format: 'json', stream: sink.stream });
      const tokens = createTokenService(createTokenStore(t.db));
      const app = createHttpApp({ logger, readiness: [storeReadiness(t.db)], routers: [testRouter()], tokens });
      ({ server, base } = await listen(app));
    });
    after(async function () {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await t?.drop();
    });

    it('answers /healthz 200', async function () {
      const res = await fetch(`${base}/healthz`);
      expect(res.status).to.equal(200);
      expect(await res.json()).to.deep.equal({ status: 'ok' });
    });

    it('answers /readyz 503 to a probe with a reason code and no detail before migrate', async function () {
      const res = await fetch(`${base}/readyz`);
      expect(res.status).to.equal(503);
      const body = (await res.json()) as { status: string; checks: { name: string; ok: boolean; message?: string }[] };
      expect(body.status).to.equal('not_ready');
      expect(body.checks).to.deep.equal([{ name: 'store', ok: false, code: 'readyz.store_failing' }]);
    });

    it('answers /readyz 200 once migrated; the store is named only to a token holder', async function () {
      await migrate(t.db);
      const res = await fetch(`${base}/readyz`);
      expect(res.status).to.equal(200);
      const body = (await res.json()) as { status: string; checks: Record<string, unknown>[] };
      expect(body.status).to.equal('ready');
      expect(body.checks).to.deep.equal([{ name: 'store', ok: true }]);
      expect(JSON.stringify(body)).not.to.include(t.db.description);
      const { token } = await createTokenService(createTokenStore(t.db)).create({ name: 'probe-reader', role: 'auditor' });
      const detailed = (await (await fetch(`${base}/readyz`, { headers: { authorization: `Bearer ${token}` } })).json()) as { checks: { message?: string }[] };
      expect(detailed.checks[0]?.message).to.equal(t.db.description);
      const forged = (await (await fetch(`${base}/readyz`, { headers: { authorization: 'Bearer csdlgw_0000000000000000_forged' } })).json()) as { checks: { message?: string }[] };
      expect(forged.checks[0]).not.to.have.property('message');
    });

    it('answers an unknown route 404 http.not_found', async function () {
      const res = await fetch(`${base}/no/such/route`);
      expect(res.status).to.equal(404);
      expect(((await res.json()) as { code: string }).code).to.equal('http.not_found');
    });

    it('parses a JSON body', async function () {
      const res = await fetch(`${base}/test/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ hoTen: 'Lê Thị Hoa' }),
      });
      expect(res.status).to.equal(200);
      expect(await res.json()).to.deep.equal({ got: { hoTen: 'Lê Thị Hoa' } });
    });

    it('answers a malformed JSON body 400 http.bad_json', async function () {
      const res = await fetch(`${base}/test/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"hoTen": "Lê',
      });
      expect(res.status).to.equal(400);
      expect(((await res.json()) as { code: string }).code).to.equal('http.bad_json');
    });

    it('answers a GatewayError thrown in a route with its status and code', async function () {
      const res = await fetch(`${base}/test/refused`);
      expect(res.status).to.equal(418);
      expect(await res.json()).to.deep.equal({ code: 'test.teapot', message: 'refused on purpose' });
    });

    it('answers a GatewayError without a status 500 with its code, 503 when retryable', async function () {
      const res = await fetch(`${base}/test/no-status`);
      expect(res.status).to.equal(500);
      expect(((await res.json()) as { code: string }).code).to.equal('test.plain');
      const retry = await fetch(`${base}/test/no-status-retryable`);
      expect(retry.status).to.equal(503);
      expect(((await retry.json()) as { code: string }).code).to.equal('test.unreachable');
    });

    it('answers an unexpected error 500 http.internal without its details', async function () {
      const res = await fetch(`${base}/test/crash`, { headers: { 'x-request-id': 'crash-1' } });
      expect(res.status).to.equal(500);
      const body = (await res.json()) as { code: string; message: string };
      expect(body.code).to.equal('http.internal');
      expect(body.message).not.to.include('secret internal detail');
      expect(body.message).to.include('crash-1');
    });

    it('keeps a given X-Request-Id and logs the request with it', async function () {
      const id = `op-${backend}.2026-07-01:a_1`;
      const res = await fetch(`${base}/healthz`, { headers: { 'x-request-id': id } });
      expect(res.headers.get('x-request-id')).to.equal(id);
      const line = await sink.waitFor((l) => l.includes(id));
      const entry = JSON.parse(line) as Record<string, unknown>;
      expect(entry).to.include({ message: 'http request', requestId: id, path: '/healthz', status: 200 });
    });

    it('makes a UUID when no X-Request-Id is given, or when it is not sane', async function () {
      const none = await fetch(`${base}/healthz`);
      expect(none.headers.get('x-request-id')).to.match(UUID);
      const insane = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'a b<script>' } });
      expect(insane.headers.get('x-request-id')).to.match(UUID);
      const tooLong = await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'x'.repeat(101) } });
      expect(tooLong.headers.get('x-request-id')).to.match(UUID);
    });
  });
}

describe('http: /readyz with an unreachable store', function () {
  it('answers 503 with the reason', async function () {
    const db = createDb('postgres://gw@127.0.0.1:1/gateway', { max: 1 });
    const app = createHttpApp({ logger: createLogger({ format: 'json', stream: lineSink().stream }), readiness: [storeReadiness(db)] });
    const { server, base } = await listen(app);
    try {
      const res = await fetch(`${base}/readyz`);
      expect(res.status).to.equal(503);
      const body = (await res.json()) as { checks: { ok: boolean; code: string; message?: string }[] };
      expect(body.checks[0]?.ok).to.equal(false);
      expect(body.checks[0]?.code).to.equal('readyz.store_failing');
      expect(body.checks[0]).not.to.have.property('message');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    }
  });
});
