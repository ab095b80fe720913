import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate } from '../../src/db/migrate.js';
import { generatePeople } from '../../src/demo/generate-people.js';
import { generateNhansu } from '../../src/demo/nhansu/generate-nhansu.js';
import { installNhansuSchema } from '../../src/demo/nhansu/nhansu-schema.js';
import { installProvincialSchema } from '../../src/demo/provincial-schema.js';
import { createCmsSigner } from '../../src/signing/cms-signer.js';
import { ensureDevPki } from '../../src/signing/dev-pki.js';
import { FaultSwitches } from '../../src/simulator/fault-switches.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator-server.js';
import { assertCliBuilt, startCli, type CliExit } from '../setup/cli-process.js';
import { freshDatabase, type TestDatabase } from '../setup/databases.js';
import { CLIENT, PASSPHRASE, PROVINCE, devPki } from '../simulator/simulator-harness.js';

/**
 * A merged province on real PostgreSQL: source `tinh-a` (qlcb) and source `tinh-b` (nhansu),
 * both generated with one seed, so they hold the same people; a test then keeps the overlap
 * it wants (`digits` of a nhansu citizen id: its số định danh). A migrated store, the national
 * simulator with its ledger, and a sources file naming both for the built CLI.
 */
export interface MergedWorld {
  qlcb: TestDatabase;
  nhansu: TestDatabase;
  store: TestDatabase;
  ledger: TestDatabase;
  sim: RunningSimulator;
  env: Record<string, string>;
  sourcesFile: string;
  writeSources(extra?: Record<string, unknown>): void;
  cli(args: string[]): Promise<CliExit>;
  close(): Promise<void>;
}

export async function startMergedWorld(people: number): Promise<MergedWorld> {
  assertCliBuilt();
  const pki = await devPki();
  const files = await ensureDevPki(pki.dir, { senderCode: PROVINCE, passphrase: PASSPHRASE });
  const qlcb = await freshDatabase('postgres');
  await installProvincialSchema(qlcb.db, { sample: false });
  await generatePeople(qlcb.db, { people, seed: 2026 });
  const nhansu = await freshDatabase('postgres');
  await installNhansuSchema(nhansu.db);
  await generateNhansu(nhansu.db, { people, seed: 2026 });
  const store = await freshDatabase('postgres');
  await migrate(store.db);
  const ledger = await freshDatabase('postgres');
  const sim = await startSimulator({
    db: ledger.db,
    clients: [{ ...CLIENT, consumerCode: PROVINCE, trustAnchorsPem: pki.trustAnchorsPem }],
    ministrySigner: createCmsSigner(pki.ministry),
    faults: new FaultSwitches({}),
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'csdl-merged-'));
  const sourcesFile = join(dataDir, 'sources.json');
  const writeSources = (extra: Record<string, unknown> = {}) => writeFileSync(sourcesFile, JSON.stringify({
    ...extra,
    sources: [
      { name: 'tinh-a', databaseUrl: qlcb.url, mapping: 'mappings/qlcb' },
      { name: 'tinh-b', databaseUrl: nhansu.url, mapping: 'mappings/nhansu' },
    ],
  }));
  writeSources();
  const env = {
    DATABASE_URL: store.url,
    SOURCES_FILE: sourcesFile,
    NDXP_URL: sim.url,
    NDXP_CLIENT_ID: CLIENT.clientId,
    NDXP_CLIENT_SECRET: CLIENT.clientSecret,
    SENDER_CODE: PROVINCE,
    SIGNING_KEY_FILE: files.province.p12,
    SIGNING_KEY_PASSPHRASE: PASSPHRASE,
    TRUST_ANCHORS_FILE: files.trustAnchors,
    DATA_DIR: dataDir,
    LOG_FORMAT: 'json',
    MAPPING_THREADS: '0',
    RECEIPT_WAIT_MS: '20000',
  };
  return {
    qlcb, nhansu, store, ledger, sim, env, sourcesFile, writeSources,
    cli: (args) => startCli(args, env).exit,
    async close() {
      await sim.stop();
      for (const t of [ledger, store, nhansu, qlcb]) await t.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
