import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../../src/db/migrate.js';
import { generatePeople, type GenerationSummary } from '../../src/demo/generate-people.js';
import { installProvincialSchema } from '../../src/demo/provincial-schema.js';
import { createCmsSigner } from '../../src/signing/cms-signer.js';
import { ensureDevPki } from '../../src/signing/dev-pki.js';
import { FaultSwitches } from '../../src/simulator/fault-switches.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator-server.js';
import { assertCliBuilt } from '../setup/cli-process.js';
import { freshDatabase, type TestDatabase } from '../setup/databases.js';
import { CLIENT, PASSPHRASE, PROVINCE, devPki } from '../simulator/simulator-harness.js';

/**
 * The world of the built CLI (`node dist/cli/index.js sync`): a provincial database on
 * PostgreSQL (vendor schema, sample, optionally generated people), a migrated store, the
 * simulator with its ledger on PostgreSQL and the development PKI, and the environment that
 * points the CLI at all of them. Run `npm run build` first.
 */
export interface CliWorld {
  source: TestDatabase;
  store: TestDatabase;
  ledger: TestDatabase;
  sim: RunningSimulator;
  generated: GenerationSummary | undefined;
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface CliWorldOptions {
  /** Generated people after the sample, with seed 2026 (0: the sample alone). */
  people?: number;
  processingDelayMs?: number;
  /** Keys added to or replacing the CLI's environment. */
  env?: Record<string, string>;
}

/**
 * The national side of a CLI world and what every world shares: the development PKI, the
 * simulator with its ledger on PostgreSQL, a migrated store (the CLI migrates too; done here so
 * the outbox can be read after a kill during start-up), a DATA_DIR, and the environment that
 * points the CLI at them. A world adds its provincial database(s) to `env`.
 */
export interface NationalWorld {
  store: TestDatabase;
  ledger: TestDatabase;
  sim: RunningSimulator;
  dataDir: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startNationalWorld(options: { processingDelayMs?: number; dataDirPrefix: string }): Promise<NationalWorld> {
  assertCliBuilt();
  const pki = await devPki();
  const files = await ensureDevPki(pki.dir, { senderCode: PROVINCE, passphrase: PASSPHRASE });
  const store = await freshDatabase('postgres');
  await migrate(store.db);
  const ledger = await freshDatabase('postgres');
  const sim = await startSimulator({
    db: ledger.db,
    clients: [{ ...CLIENT, consumerCode: PROVINCE, trustAnchorsPem: pki.trustAnchorsPem }],
    ministrySigner: createCmsSigner(pki.ministry),
    faults: new FaultSwitches(options.processingDelayMs === undefined ? {} : { processingDelayMs: options.processingDelayMs }),
  });
  const dataDir = mkdtempSync(join(tmpdir(), options.dataDirPrefix));
  const env = {
    DATABASE_URL: store.url,
    NDXP_URL: sim.url,
    NDXP_CLIENT_ID: CLIENT.clientId,
    NDXP_CLIENT_SECRET: CLIENT.clientSecret,
    SENDER_CODE: PROVINCE,
    SIGNING_KEY_FILE: files.province.p12,
    SIGNING_KEY_PASSPHRASE: PASSPHRASE,
    TRUST_ANCHORS_FILE: files.trustAnchors,
    DATA_DIR: dataDir,
    LOG_FORMAT: 'json',
  };
  return {
    store, ledger, sim, dataDir, env,
    async close() {
      await sim.stop();
      for (const t of [ledger, store]) await t.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startCliWorld(options: CliWorldOptions = {}): Promise<CliWorld> {
  const source = await freshDatabase('postgres');
  await installProvincialSchema(source.db, { sample: true });
  const generated = options.people ? await generatePeople(source.db, { people: options.people, seed: 2026 }) : undefined;
  const national = await startNationalWorld({ dataDirPrefix: 'csdl-cli-', ...(options.processingDelayMs === undefined ? {} : { processingDelayMs: options.processingDelayMs }) });
  const { store, ledger, sim } = national;
  const env = { ...national.env, SOURCE_DATABASE_URL: source.url, ...options.env };
  return {
    source, store, ledger, sim, generated, env,
    async close() {
      await national.close();
      await source.drop();
    },
  };
}
