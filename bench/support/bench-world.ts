import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb, type Db } from '../../src/db/db.js';
import { generatePeople, type GenerationSummary } from '../../src/demo/generate-people.js';
import { installProvincialSchema } from '../../src/demo/provincial-schema.js';
import { ensureDevPki, type DevPkiFiles } from '../../src/signing/dev-pki.js';
import { startDevSimulator, type DevSimulator } from '../../src/simulator/dev-simulator.js';
import { createDatabase, startThrowawayPostgres, type ThrowawayPostgres } from '../../test/setup/postgres-server.js';
import { classifyLedger, createTimingLog, timedDb, type TimingLog } from './timed-db.js';

/**
 * What the sync bench runs against: one throw-away PostgreSQL server holding the provincial
 * database (vendor schema, generated people) and, in databases of their own, each gateway
 * store and each simulator ledger; a development PKI in a temp folder; the simulator on
 * loopback in this process, its ledger statements timed.
 */
export const BENCH_SENDER = '000.00.00.H62';
export const BENCH_PASSPHRASE = 'bench-only';

export interface BenchWorld {
  server: ThrowawayPostgres;
  sourceUrl: string;
  generation: GenerationSummary;
  generationMs: number;
  pki: DevPkiFiles;
  tempDir: string;
  /** A fresh empty database on the server; returns its URL. */
  newDatabase(name: string): Promise<string>;
  close(): Promise<void>;
}

export interface BenchSimulator {
  sim: DevSimulator;
  ledger: Db;
  log: TimingLog;
  stop(): Promise<void>;
}

/** A provincial database `name` on the world's server: vendor schema, `people` generated people, analysed. */
export async function generateProvince(
  newDatabase: (name: string) => Promise<string>, name: string, people: number, onProgress: (line: string) => void,
): Promise<{ url: string; generation: GenerationSummary; generationMs: number }> {
  const url = await newDatabase(name);
  const db = createDb(url, { max: 4 });
  const started = performance.now();
  try {
    await installProvincialSchema(db, { sample: false });
    const generation = await generatePeople(db, {
      people, seed: 1, onProgress: (done) => (done % 20_000 === 0 ? onProgress(`generated ${done} people`) : undefined),
    });
    await db.query('ANALYZE');
    return { url, generation, generationMs: performance.now() - started };
  } finally {
    await db.close();
  }
}

/** `durable`: the server commits as a production one does (fsync and synchronous commit on). */
export async function startBenchWorld(people: number, onProgress: (line: string) => void, options: { durable?: boolean } = {}): Promise<BenchWorld> {
  const server = await startThrowawayPostgres(options);
  const newDatabase = (name: string): Promise<string> => createDatabase(server.url, name);
  try {
    const { url: sourceUrl, generation, generationMs } = await generateProvince(newDatabase, 'provincial', people, onProgress);
    const tempDir = mkdtempSync(join(tmpdir(), 'csdl-sync-bench-'));
    const pki = await ensureDevPki(join(tempDir, 'pki'), { senderCode: BENCH_SENDER, passphrase: BENCH_PASSPHRASE });
    return {
      server, sourceUrl, generation, generationMs, pki, tempDir, newDatabase,
      async close() {
        server.stop();
        rmSync(tempDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    server.stop();
    throw err;
  }
}

/** The national simulator on loopback, its ledger in database `ledgerName`, every statement timed. */
export async function startBenchSimulator(world: BenchWorld, ledgerName: string): Promise<BenchSimulator> {
  const ledger = createDb(await world.newDatabase(ledgerName), { max: 10, applicationName: 'csdl-simulator-bench' });
  const log = createTimingLog('simulator');
  const failures: string[] = [];
  const sim = await startDevSimulator({
    pkiDir: join(world.tempDir, 'pki'), passphrase: BENCH_PASSPHRASE, senderCode: BENCH_SENDER,
    db: timedDb(ledger, log, classifyLedger, 'ledger.transaction'),
    onError: (what, err) => failures.push(`${what}: ${String(err)}`),
  });
  return {
    sim, ledger, log,
    async stop() {
      await sim.stop();
      await ledger.close();
      if (failures.length > 0) console.log(`simulator reported ${failures.length} failures, first: ${failures[0]}`);
    },
  };
}
