import { expect } from 'chai';
import { auditStep } from '../../src/app/audit-step.js';
import type { StartContext } from '../../src/app/gateway.js';
import { auditOpenApi } from '../../src/audit/audit-openapi.js';
import { auditStats } from '../../src/audit/audit-store.js';
import { loadConfig } from '../../src/config/config.js';
import { silentLogger } from '../../src/log/logger.js';
import type { TestDatabase } from '../setup/databases.js';
import { auditPki, migratedStore, shareRead } from './audit-fixture.js';

describe('app: the audit start step', function () {
  this.timeout(60_000);
  let t: TestDatabase;
  after(async function () {
    await t?.drop();
  });

  it('shares the audit log, mounts the routes and their OpenAPI fragment, and flushes at stop', async function () {
    t = await migratedStore('postgres');
    const stoppers: (() => Promise<void>)[] = [];
    const store = { db: t.db, url: t.url, embedded: false, close: async () => undefined };
    const ctx: StartContext = {
      config: loadConfig({ PORT: '0' }), logger: silentLogger(), store, source: store, summary: [], readiness: [],
      services: { signer: auditPki().signer }, routers: [], openApi: [], onStop: (fn) => stoppers.push(fn),
    };
    await auditStep(ctx);
    expect(ctx.routers).to.have.length(1);
    expect(ctx.openApi).to.deep.equal([auditOpenApi]);
    expect(ctx.summary.join('\n')).to.match(/^audit: +0 entries, no checkpoint yet, signed hourly$/m);

    const audit = ctx.services.audit!;
    const pending = audit.append(shareRead(1));
    for (const stop of stoppers.reverse()) await stop();
    await pending;
    expect((await auditStats(t.db)).entries).to.equal(1);
    const after = await audit.append(shareRead(2)).then(() => 'appended', (err: { code: string }) => err.code);
    expect(after).to.equal('audit.closed');
  });
});
