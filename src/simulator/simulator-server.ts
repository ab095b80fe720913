import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { createDb, type Db } from '../db/db.js';
import { EMBEDDED_POOL, startEmbeddedPostgres, type EmbeddedPostgres } from '../db/embedded-postgres.js';
import { listMigrations, migrate } from '../db/migrate.js';
import { projectRoot } from '../paths.js';
import type { FaultSwitches } from './fault-switches.js';
import { createSimulatorApp, type Simulator, type SimulatorOptions } from './simulator-app.js';

/**
 * The simulator listening on a port, with its ledger either in a given store or in its own
 * embedded PGlite (in memory, or persisted under `dataDir`). Unfinished packets of an earlier
 * run are taken up at start.
 */
export const SIMULATOR_SCHEMA = 'csdl_simulator';
export const simulatorMigrationsDir = join(projectRoot, 'src', 'simulator', 'migrations');

export async function migrateSimulatorLedger(db: Db): Promise<number[]> {
  return migrate(db, listMigrations(simulatorMigrationsDir), SIMULATOR_SCHEMA);
}

export type StartSimulatorOptions = Omit<SimulatorOptions, 'db'> & {
  port?: number;
  /** Default 127.0.0.1: the simulator is a rehearsal tool, not a public endpoint. */
  host?: string;
  /** A store for the ledger; when absent, an embedded one (under dataDir, or in memory). */
  db?: Db;
  dataDir?: string;
};

export interface RunningSimulator {
  url: string;
  port: number;
  faults: FaultSwitches;
  simulator: Simulator;
  stop(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startSimulator(options: StartSimulatorOptions): Promise<RunningSimulator> {
  let embedded: EmbeddedPostgres | undefined;
  let db = options.db;
  if (!db) {
    embedded = await startEmbeddedPostgres(options.dataDir ? { dataDir: join(options.dataDir, 'simulator') } : {});
    db = createDb(embedded.url, { ...EMBEDDED_POOL, description: 'national simulator ledger (embedded)', applicationName: 'csdl-simulator' });
  }
  const ownDb = db;
  try {
    await migrateSimulatorLedger(ownDb);
    const simulator = createSimulatorApp({ ...options, db: ownDb });
    await simulator.resume();
    const server = createServer(simulator.app);
    const host = options.host ?? '127.0.0.1';
    const port = await listen(server, options.port ?? 0, host);
    let stopped = false;
    return {
      url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
      port,
      faults: simulator.faults,
      simulator,
      async stop() {
        if (stopped) return;
        stopped = true;
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await simulator.close();
        if (embedded) {
          await ownDb.close();
          await embedded.stop();
        }
      },
    };
  } catch (err) {
    if (embedded) {
      await ownDb.close().catch(() => undefined);
      await embedded.stop().catch(() => undefined);
    }
    throw err;
  }
}
