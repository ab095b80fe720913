import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewayHttpApp, type StartContext } from '../../src/app/gateway.js';
import { bindHttp, type HttpListener } from '../../src/app/http-listener.js';
import { startSteps } from '../../src/app/start-steps.js';
import { loadConfig } from '../../src/config/config.js';
import { migrate } from '../../src/db/migrate.js';
import { DEMO_VENDORS } from '../../src/demo/demo-vendors.js';
import { storeReadiness } from '../../src/http/store-readiness.js';
import { silentLogger } from '../../src/log/logger.js';
import { freshDatabase, type TestDatabase } from '../setup/databases.js';

/**
 * The HTTP app `csdl-gateway start` serves, built in this process on prepared databases: a
 * migrated store and a provincial database with the demo vendor's schema and sample, both on
 * the test run's real PostgreSQL server; then every start step, in start's order (signing, the
 * real audit log, sync with the national simulator, transfers, sharing, operators with the
 * first operator token in DATA_DIR), and the app composed by `gatewayHttpApp`, as `start`
 * composes it, behind start's own listener (app/http-listener.ts) on a free loopback port. What it leaves out is the
 * embedded PGlite store and the generated demo people, which only make the start slower.
 */
export interface FuzzGateway {
  url: URL;
  dataDir: string;
  store: TestDatabase;
  stop(): Promise<void>;
}

export async function startFuzzGateway(): Promise<FuzzGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'csdl-fuzz-'));
  const config = loadConfig({ DATA_DIR: dataDir, PORT: '0', SYNC_CRON: '0 0 1 1 *' });
  const store = await freshDatabase('postgres');
  const source = await freshDatabase('postgres');
  const stoppers: (() => Promise<void>)[] = [];
  const stopping = new AbortController();
  let http: HttpListener | undefined;
  const stop = async () => {
    stopping.abort();
    await http?.drain(config.shutdownTimeoutMs);
    for (const fn of stoppers.reverse()) await fn().catch(() => undefined);
    await store.drop();
    await source.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await migrate(store.db);
    await DEMO_VENDORS[config.demoVendor].install(source.db, true);
    const opened = (d: TestDatabase) => ({ db: d.db, url: d.url, embedded: false, close: async () => undefined });
    const ctx: StartContext = {
      config, logger: silentLogger(), store: opened(store), source: opened(source), summary: [],
      readiness: [storeReadiness(store.db)], services: {}, routers: [], openApi: [],
      onStop: (fn) => stoppers.push(fn), stopping: stopping.signal,
    };
    for (const step of startSteps()) await step(ctx);
    http = await bindHttp(config);
    http.serve(gatewayHttpApp(ctx));
    return { url: new URL(http.url), dataDir, store, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
