import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewayHttpApp, gatewayRequestListener, startGateway, type StartContext } from '../../src/app/gateway.js';
import { bindHttp, type HttpListener } from '../../src/app/http-listener.js';
import { startSteps } from '../../src/app/start-steps.js';
import { loadConfig } from '../../src/config/config.js';
import type { Db } from '../../src/db/db.js';
import { migrate } from '../../src/db/migrate.js';
import { DEMO_VENDORS } from '../../src/demo/demo-vendors.js';
import { storeReadiness } from '../../src/http/store-readiness.js';
import { silentLogger } from '../../src/log/logger.js';
import { DEV_PKI_DIR, DEV_PKI_PASSPHRASE } from '../../src/signing/dev-pki.js';
import { startDevSimulator, type DevSimulator } from '../../src/simulator/dev-simulator.js';
import { freshDatabase, type TestDatabase } from '../setup/databases.js';

/**
 * The HTTP app `csdl-gateway start` serves, built in this process on prepared databases: a
 * migrated store and a provincial database with the demo vendor's schema and sample, both on
 * the test run's real PostgreSQL server; then every start step, in start's order (signing, the
 * real audit log, sync with the national simulator, transfers, sharing, operators with the
 * first operator token in DATA_DIR), and the app composed by `gatewayHttpApp`, as `start`
 * composes it, behind start's own listener (app/http-listener.ts) on a free loopback port. The
 * national side is the development simulator (the one `start` runs, same PKI and client) given
 * as NDXP_URL, its ledger on a third test database; so, as with NDXP in production, the
 * province's key and the trust anchors are named (the development PKI's files). What it leaves out is PGlite (the embedded
 * store and the simulator's embedded ledger) and the generated demo people, which only make the
 * start slower: about 13 of its 19 seconds were the simulator's embedded ledger.
 */
export interface FuzzGateway {
  url: URL;
  dataDir: string;
  /** The gateway's store, where the suite reads the audit entries. */
  db: Db;
  stop(): Promise<void>;
}

/**
 * FUZZ_EMBEDDED=1: the whole embedded default instead, as `csdl-gateway start` runs it with no
 * configuration (PGlite store, simulator with its embedded ledger, generated demo people);
 * slower (about a minute more), for a run over the embedded back end.
 */
async function startEmbeddedGateway(): Promise<FuzzGateway> {
  const dataDir = mkdtempSync(join(tmpdir(), 'csdl-fuzz-'));
  try {
    const running = await startGateway(loadConfig({ DATA_DIR: dataDir, PORT: '0', SYNC_CRON: '0 0 1 1 *' }), silentLogger(), startSteps());
    return {
      url: new URL(running.url), dataDir, db: running.store.db,
      async stop() {
        await running.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

export async function startFuzzGateway(): Promise<FuzzGateway> {
  if (process.env.FUZZ_EMBEDDED === '1') return startEmbeddedGateway();
  const dataDir = mkdtempSync(join(tmpdir(), 'csdl-fuzz-'));
  const store = await freshDatabase('postgres');
  const source = await freshDatabase('postgres');
  const ledger = await freshDatabase('postgres');
  let simulator: DevSimulator | undefined;
  const stoppers: (() => Promise<void>)[] = [];
  const stopping = new AbortController();
  let http: HttpListener | undefined;
  const stop = async () => {
    stopping.abort();
    await http?.drain(5_000);
    for (const fn of stoppers.reverse()) await fn().catch(() => undefined);
    await simulator?.stop();
    await store.drop();
    await source.drop();
    await ledger.drop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const senderCode = loadConfig({ DATA_DIR: dataDir }).senderCode;
    simulator = await startDevSimulator({ pkiDir: DEV_PKI_DIR, passphrase: DEV_PKI_PASSPHRASE, senderCode, port: 0, db: ledger.db });
    const config = loadConfig({
      DATA_DIR: dataDir, PORT: '0', SYNC_CRON: '0 0 1 1 *',
      NDXP_URL: simulator.url, NDXP_CLIENT_ID: simulator.client.clientId, NDXP_CLIENT_SECRET: simulator.client.clientSecret,
      // With NDXP_URL set, the province's key and the national trust anchors are named, as in production.
      SIGNING_KEY_FILE: simulator.pki.province.p12, SIGNING_KEY_PASSPHRASE: DEV_PKI_PASSPHRASE, TRUST_ANCHORS_FILE: simulator.pki.trustAnchors,
    });
    await migrate(store.db);
    await DEMO_VENDORS[config.demoVendor].install(source.db, true);
    const opened = (d: TestDatabase) => ({ db: d.db, url: d.url, embedded: false, close: async () => undefined });
    const ctx: StartContext = {
      config, logger: silentLogger(), store: opened(store), source: opened(source), summary: [],
      readiness: [storeReadiness(store.db)], services: {}, routers: [], openApi: [], fastRoutes: [],
      onStop: (fn) => stoppers.push(fn), stopping: stopping.signal,
    };
    for (const step of startSteps()) await step(ctx);
    http = await bindHttp(config);
    http.serve(gatewayRequestListener(ctx, gatewayHttpApp(ctx)));
    return { url: new URL(http.url), dataDir, db: store.db, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
