import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import { expect } from 'chai';
import { errorHandler, notFound } from '../../src/http/error-handler.js';
import { requestContext } from '../../src/http/request-context.js';
import { transferOpenApi } from '../../src/transfer/transfer-openapi.js';
import { transferRouter } from '../../src/transfer/transfer-router.js';
import { quietLogger } from '../sync/sync-harness.js';
import { startTransferWorld, transferee, UNIT, type TransferWorld } from './transfer-harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- answers are known JSON */
/**
 * The HTTP routes with a fake actor (the bearer-token middleware is the operators' work: here
 * a header names the role) and the memory audit log: every request leaves one entry,
 * refusals by role or body included.
 */
describe('transfer router: POST/GET /api/transfers', function () {
  this.timeout(120_000);
  let w: TransferWorld;
  let server: Server;
  let base: string;

  before(async function () {
    w = await startTransferWorld('pglite', { today: () => '2026-03-03' });
    const app = express();
    app.use(requestContext(quietLogger()));
    app.use(express.json());
    app.use((req, res, next) => {
      const role = req.header('x-test-role');
      if (role) res.locals.actor = { kind: 'token', name: `${role}-token`, role };
      next();
    });
    app.use(transferRouter({ service: w.service, audit: w.audit }));
    app.use(notFound);
    app.use(errorHandler);
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async function () {
    await new Promise((resolve) => server?.close(resolve));
    await w?.close();
  });
  beforeEach(function () {
    w.audit.entries.length = 0;
  });

  async function call(method: string, path: string, role: string | undefined, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-1', ...(role ? { 'x-test-role': role } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: await res.json() };
  }

  it('stages for an operator (201), refreshes on a repeat (200), each audited with the token and request id', async function () {
    await w.hold(transferee(800));
    const body = { soDinhDanh: '026185000800', receivingUnit: UNIT, decision: { so: '5/QĐ-SNV', ngayHieuLuc: '2026-02-09' } };
    const first = await call('POST', '/api/transfers', 'operator', body);
    expect(first.status).to.equal(201);
    expect(first.body.transfer).to.deep.include({ status: 'staged', deadline: '2026-03-02', overdue: true, workingDaysLeft: -1 });
    expect(first.body.staged.hoSo.so_cccd).to.equal('026185000800');
    const again = await call('POST', '/api/transfers', 'operator', body);
    expect([again.status, again.body.staged.refreshed, again.body.staged.id]).to.deep.equal([200, true, first.body.staged.id]);
    expect(w.audit.entries.map((e) => [e.actor, e.action, e.outcome, e.requestId, e.people])).to.deep.equal([
      [{ kind: 'token', name: 'operator-token' }, 'transfer.request', 'ok', 'req-1', ['026185000800']],
      [{ kind: 'token', name: 'operator-token' }, 'transfer.pull', 'ok', 'req-1', ['026185000800']],
      [{ kind: 'token', name: 'operator-token' }, 'transfer.request', 'ok', 'req-1', ['026185000800']],
      [{ kind: 'token', name: 'operator-token' }, 'transfer.pull', 'ok', 'req-1', ['026185000800']],
    ]);
  });

  it('refuses and audits: an auditor pulling (403), a body of the wrong shape, a malformed số định danh, a person not held', async function () {
    const forbidden = await call('POST', '/api/transfers', 'auditor', { soDinhDanh: '026185000801', receivingUnit: UNIT });
    expect([forbidden.status, forbidden.body.code]).to.deep.equal([403, 'auth.forbidden']);
    const shape = await call('POST', '/api/transfers', 'operator', { soDinhDanh: '026185000801', receivingUnit: UNIT, unit: 'x' });
    expect([shape.status, shape.body.code]).to.deep.equal([400, 'transfer.bad_request']);
    const malformed = await call('POST', '/api/transfers', 'operator', { soDinhDanh: '12345', receivingUnit: UNIT });
    expect([malformed.status, malformed.body.code]).to.deep.equal([400, 'transfer.bad_identity']);
    const missing = await call('POST', '/api/transfers', 'operator', { soDinhDanh: '026185000899', receivingUnit: UNIT });
    expect([missing.status, missing.body.code]).to.deep.equal([404, 'transfer.not_found']);
    expect(w.audit.entries.map((e) => [e.actor.name, e.action, e.outcome, e.code])).to.deep.equal([
      ['auditor-token', 'transfer.pull', 'refused', 'auth.forbidden'],
      ['operator-token', 'transfer.pull', 'refused', 'transfer.bad_request'],
      ['operator-token', 'transfer.pull', 'refused', 'transfer.bad_identity'],
      // The transfer is opened (with its entry) before the national side is asked.
      ['operator-token', 'transfer.request', 'ok', undefined],
      ['operator-token', 'transfer.pull', 'refused', 'transfer.not_found'],
    ]);
  });

  it('lists for an auditor, only the overdue with ?overdue=true, audited with the people listed', async function () {
    const all = await call('GET', '/api/transfers', 'auditor');
    expect(all.status).to.equal(200);
    expect(all.body.transfers.map((t: any) => [t.soDinhDanh, t.status])).to.deep.equal([['026185000899', 'failed'], ['026185000800', 'staged']]);
    const overdue = await call('GET', '/api/transfers?overdue=true', 'operator');
    // Only the transfer with a decision has a deadline: 2 March 2026, past on 3 March.
    expect(overdue.body.transfers.map((t: any) => [t.soDinhDanh, t.overdue])).to.deep.equal([['026185000800', true]]);
    const bad = await call('GET', '/api/transfers?overdue=maybe', 'auditor');
    expect([bad.status, bad.body.code]).to.deep.equal([400, 'transfer.bad_request']);
    expect(w.audit.entries.map((e) => [e.action, e.outcome, e.people])).to.deep.equal([
      ['transfer.list', 'ok', ['026185000899', '026185000800']],
      ['transfer.list', 'ok', ['026185000800']],
      ['transfer.list', 'refused', undefined],
    ]);
  });

  it('describes exactly the routes it serves, each with the role it requires', function () {
    const router = transferRouter({ service: w.service, audit: w.audit }) as any;
    const served = router.stack.flatMap((layer: any) => Object.keys(layer.route.methods).map((m) => `${m} ${String(layer.route.path).replace(/:(\w+)/g, '{$1}')}`)).sort();
    const described = Object.entries(transferOpenApi.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m} ${path}`)).sort();
    expect(served).to.deep.equal(described);
    expect((transferOpenApi.paths['/api/transfers'] as any).post['x-required-role']).to.equal('operator');
    expect((transferOpenApi.paths['/api/transfers'] as any).get['x-required-role']).to.equal('auditor');
  });
});
