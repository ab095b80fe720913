import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import type { StartContext } from '../../src/app/gateway.js';
import { overdueTransfers, transferStep } from '../../src/app/transfer-step.js';
import { loadConfig } from '../../src/config/config.js';
import type { NationalSide } from '../../src/compose/national-side.js';
import { createLogger } from '../../src/log/logger.js';
import { startTransferWorld, transferee, UNIT, type TransferWorld } from './transfer-harness.js';

/**
 * The start step: without an audit log the route is not mounted (and a warning says so); with
 * one, the router and its OpenAPI fragment are; /readyz lists overdue transfers as a warning,
 * by id, never failing and never naming a person.
 */
describe('transfer start step', function () {
  this.timeout(120_000);
  let w: TransferWorld;
  let dir: string;

  before(async function () {
    w = await startTransferWorld('pglite', { today: () => '2026-02-09' });
    dir = mkdtempSync(join(tmpdir(), 'transfer-step-'));
    writeFileSync(join(dir, 'anchors.pem'), w.sim.pki.trustAnchorsPem);
  });
  after(async function () {
    rmSync(dir, { recursive: true, force: true });
    await w?.close();
  });

  function context(withAudit: boolean, lines: string[]): StartContext {
    const logger = createLogger({ level: 'warn', format: 'json', stream: new Writable({ write: (c, _e, done) => (lines.push(String(c)), done()) }) });
    const opened = (db: typeof w.store.db) => ({ db, url: '', embedded: false, close: async () => undefined });
    return {
      config: loadConfig({ TRUST_ANCHORS_FILE: join(dir, 'anchors.pem') }),
      logger, store: opened(w.store.db), source: opened(w.source.db), summary: [], readiness: [], routers: [], openApi: [],
      services: { national: { client: w.client } as unknown as NationalSide, ...(withAudit ? { audit: w.audit } : {}) },
      onStop: () => undefined,
    };
  }

  it('does not mount /api/transfers without an audit log, and says so', async function () {
    const lines: string[] = [];
    const ctx = context(false, lines);
    await transferStep(ctx);
    expect(ctx.routers).to.have.length(0);
    expect(ctx.openApi).to.have.length(0);
    expect(lines.join('')).to.include('not mounted');
    expect(await ctx.readiness[0]?.()).to.deep.include({ name: 'transfers', ok: true });
  });

  it('mounts the route with an audit log, and lists overdue transfers in /readyz as a warning without personal data', async function () {
    const ctx = context(true, []);
    await transferStep(ctx);
    expect(ctx.routers).to.have.length(1);
    expect(Object.keys(ctx.openApi[0]?.paths ?? {})).to.deep.equal(['/api/transfers', '/api/transfers/{id}/cancel']);
    await w.hold(transferee(950));
    // Decided in 2025: long past its deadline on any real today.
    const out = await w.service.pull({ soDinhDanh: '026185000950', receivingUnit: UNIT, decision: { ngayHieuLuc: '2025-01-24' } }, { actor: { kind: 'cli', name: 't' } });
    const ready = await ctx.readiness[0]?.();
    expect(ready).to.deep.include({ name: 'transfers', ok: true, message: '1 overdue' });
    expect(ready?.warning).to.equal(`1 transfer(s) past their deadline: #${out.transfer.id} (deadline 2025-02-13)`);
    expect(JSON.stringify(ready)).to.not.include('026185000950');
    expect(await overdueTransfers(w.store.db, new Date('2025-02-13T12:00:00Z'))).to.equal(0);
    expect(await overdueTransfers(w.store.db, new Date('2025-02-14T12:00:00Z'))).to.equal(1);
  });
});
