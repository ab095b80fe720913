import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatePeople } from '../../src/demo/generate-people.js';
import { generateNhansu } from '../../src/demo/nhansu/generate-nhansu.js';
import { installNhansuSchema } from '../../src/demo/nhansu/nhansu-schema.js';
import { installProvincialSchema } from '../../src/demo/provincial-schema.js';
import type { RunningSimulator } from '../../src/simulator/simulator-server.js';
import { startCli, type CliExit } from '../setup/cli-process.js';
import { freshDatabase, type TestDatabase } from '../setup/databases.js';
import { startNationalWorld } from '../sync/cli-world.js';

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
  const qlcb = await freshDatabase('postgres');
  await installProvincialSchema(qlcb.db, { sample: false });
  await generatePeople(qlcb.db, { people, seed: 2026 });
  const nhansu = await freshDatabase('postgres');
  await installNhansuSchema(nhansu.db);
  await generateNhansu(nhansu.db, { people, seed: 2026 });
  const national = await startNationalWorld({ dataDirPrefix: 'csdl-merged-' });
  const { store, ledger, sim, dataDir } = national;
  const sourcesFile = join(dataDir, 'sources.json');
  const writeSources = (extra: Record<string, unknown> = {}) => writeFileSync(sourcesFile, JSON.stringify({
    ...extra,
    sources: [
      { name: 'tinh-a', databaseUrl: qlcb.url, mapping: 'mappings/qlcb' },
      { name: 'tinh-b', databaseUrl: nhansu.url, mapping: 'mappings/nhansu' },
    ],
  }));
  writeSources();
  const env = { ...national.env, SOURCES_FILE: sourcesFile, MAPPING_THREADS: '0', RECEIPT_WAIT_MS: '20000' };
  return {
    qlcb, nhansu, store, ledger, sim, env, sourcesFile, writeSources,
    cli: (args) => startCli(args, env).exit,
    async close() {
      await national.close();
      for (const t of [nhansu, qlcb]) await t.drop();
    },
  };
}
