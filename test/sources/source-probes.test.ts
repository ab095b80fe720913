import { expect } from 'chai';
import { sourceCounts } from '../../src/app/sync-step.js';
import type { SourceHandle } from '../../src/compose/source-handles.js';
import { composeOps } from '../../src/compose/ops-compose.js';
import { createDb, type Db } from '../../src/db/db.js';
import { migrate } from '../../src/db/migrate.js';
import { installNhansuSchema } from '../../src/demo/nhansu/nhansu-schema.js';
import { generateNhansu } from '../../src/demo/nhansu/generate-nhansu.js';
import { installProvincialSchema } from '../../src/demo/provincial-schema.js';
import { loadMapping } from '../../src/mapping/mapping-loader.js';
import { freshDatabase, type TestDatabase } from '../setup/databases.js';

/**
 * A merged province's sources probed one by one, on real PostgreSQL: /metrics'
 * csdl_gateway_source_database_up is labelled by source (one that refuses connections at 0,
 * the other at 1), and start-up prints each source's counts, or why it did not answer. One
 * database keeps its unlabelled gauge.
 */
describe('merged province: every source probed, labelled by source', function () {
  this.timeout(120_000);
  let store: TestDatabase;
  let qlcb: TestDatabase;
  let nhansu: TestDatabase;
  let nhansuPool: Db;
  const dbName = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));
  const allow = (ok: boolean) => qlcb.db.query(`ALTER DATABASE "${dbName(nhansu.url)}" ALLOW_CONNECTIONS ${ok}`);

  before(async function () {
    store = await freshDatabase('postgres');
    await migrate(store.db);
    qlcb = await freshDatabase('postgres');
    await installProvincialSchema(qlcb.db, { sample: true });
    nhansu = await freshDatabase('postgres');
    await installNhansuSchema(nhansu.db);
    await generateNhansu(nhansu.db, { people: 6, seed: 3 });
    nhansuPool = createDb(nhansu.url, { max: 1 });
  });
  after(async function () {
    await allow(true).catch(() => undefined);
    await nhansuPool?.close().catch(() => undefined);
    for (const t of [nhansu, qlcb, store]) await t?.drop();
  });

  function handle(name: string, db: () => Promise<Db>, mapping: string): SourceHandle {
    const compiled = loadMapping(mapping);
    return { name, db, mapping: () => compiled, opened: () => undefined, close: async () => undefined };
  }
  const metricsOf = async (deps: Partial<Parameters<typeof composeOps>[0]>) => {
    const ops = composeOps({ db: store.db, audit: { append: async () => undefined }, workingDaysBetween: () => 0, ...deps });
    await ops.metrics.collect();
    return ops.metrics.registry.metrics();
  };

  it('labels csdl_gateway_source_database_up by source: 1 for the one answering, 0 for the one refusing connections', async function () {
    const sources = [{ name: 'tinh-a', db: async () => qlcb.db }, { name: 'tinh-b', db: async () => nhansuPool }];
    let text = await metricsOf({ source: qlcb.db, sourceDatabases: sources, mergedSources: ['tinh-a', 'tinh-b'] });
    expect(text).to.include('csdl_gateway_source_database_up{source="tinh-a"} 1').and.include('csdl_gateway_source_database_up{source="tinh-b"} 1');
    await allow(false);
    await qlcb.db.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [dbName(nhansu.url)]);
    try {
      text = await metricsOf({ source: qlcb.db, sourceDatabases: sources, mergedSources: ['tinh-a', 'tinh-b'] });
      expect(text).to.include('csdl_gateway_source_database_up{source="tinh-a"} 1').and.include('csdl_gateway_source_database_up{source="tinh-b"} 0');
    } finally {
      await allow(true);
    }
  });

  it('one database keeps its unlabelled gauge', async function () {
    const text = await metricsOf({ source: qlcb.db });
    expect(text).to.match(/^csdl_gateway_source_database_up 1$/m);
    expect(text).not.to.include('csdl_gateway_source_database_up{');
  });

  it('prints each source\'s counts at start-up, and why one did not answer', async function () {
    const fine = await sourceCounts([handle('tinh-a', async () => qlcb.db, 'mappings/qlcb'), handle('tinh-b', async () => nhansuPool, 'mappings/nhansu')]);
    expect(fine[0]).to.match(/^source: +tinh-a \(qlcb\): \d+ people, \d+ approved$/);
    expect(fine[1]).to.match(/^source: +tinh-b \(nhansu\): [1-9]\d* people, \d+ approved$/);
    const away = await sourceCounts([
      handle('tinh-b', () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:1')), 'mappings/nhansu'),
      handle('tinh-c', () => new Promise<Db>(() => undefined), 'mappings/nhansu'),
    ], 300);
    expect(away[0]).to.equal('source:      tinh-b (nhansu): not reachable (không kết nối được): connect ECONNREFUSED 127.0.0.1:1');
    expect(away[1]).to.equal('source:      tinh-c (nhansu): no answer within 0.3 s (không trả lời)');
  });
});
