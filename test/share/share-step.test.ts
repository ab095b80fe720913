import { expect } from 'chai';
import { Writable } from 'node:stream';
import { shareStep } from '../../src/app/share-step.js';
import type { StartContext } from '../../src/app/gateway.js';
import { loadConfig } from '../../src/config/config.js';
import { migrate } from '../../src/db/migrate.js';
import { installProvincialSchema } from '../../src/demo/provincial-schema.js';
import { createLogger } from '../../src/log/logger.js';
import { shareOpenApi } from '../../src/share/share-openapi.js';
import { devPki } from '../simulator/simulator-harness.js';
import { createCmsSigner } from '../../src/signing/cms-signer.js';
import { freshDatabase, type TestDatabase } from '../setup/databases.js';
import { MemoryAuditLog } from '../setup/memory-audit-log.js';

/**
 * The start step: with an audit log it mounts the routes and their OpenAPI fragment and
 * refreshes the served records (units copied from the provincial database); without one it
 * serves nothing and says so. Stopping waits for a running refresh.
 */
describe('share: start step', function () {
  this.timeout(60_000);
  let store: TestDatabase;
  let source: TestDatabase;
  const warnings: string[] = [];
  const stops: (() => Promise<void>)[] = [];

  before(async function () {
    store = await freshDatabase('postgres');
    await migrate(store.db);
    source = await freshDatabase('postgres');
    await installProvincialSchema(source.db, { sample: true });
  });
  afterEach(async function () {
    for (const stop of stops.splice(0).reverse()) await stop();
  });
  after(async function () {
    await store?.drop();
    await source?.drop();
  });

  function context(services: StartContext['services']): StartContext {
    const logger = createLogger({
      level: 'warn', format: 'json',
      stream: new Writable({ write: (chunk: Buffer, _e, done) => { warnings.push(chunk.toString('utf8')); done(); } }),
    });
    return {
      config: loadConfig({ PORT: '0' }), logger, summary: [], readiness: [], services, routers: [], openApi: [],
      store: { db: store.db, url: store.url, embedded: false, close: async () => undefined },
      source: { db: source.db, url: source.url, embedded: false, close: async () => undefined },
      onStop: (fn) => stops.push(fn),
    };
  }

  it('mounts the routes and the fragment, and copies the unit hierarchy on its first refresh', async function () {
    const pki = await devPki();
    const ctx = context({ audit: new MemoryAuditLog(), signer: createCmsSigner(pki.province) });
    await shareStep(ctx);
    expect(ctx.routers).to.have.length(1);
    expect(ctx.openApi).to.deep.equal([shareOpenApi]);
    expect(ctx.summary.join('\n')).to.contain('/share/v1');
    for (const stop of stops.splice(0).reverse()) await stop(); // waits for the first refresh
    const units = await store.db.query('SELECT 1 FROM csdl_gateway.share_units');
    expect(units.rowCount).to.be.greaterThan(3);
  });

  it('without an audit log serves nothing and warns', async function () {
    const pki = await devPki();
    const ctx = context({ signer: createCmsSigner(pki.province) });
    await shareStep(ctx);
    expect(ctx.routers).to.have.length(0);
    expect(ctx.openApi).to.have.length(0);
    expect(warnings.join('')).to.contain('sharing routes not mounted');
  });
});
