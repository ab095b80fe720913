import type { Config } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import type { CmsSigner } from '../signing/cms-signer.js';
import { openMigratedStore, openSourceDatabase, type OpenedDatabase } from './databases.js';
import { ensureDemoProvince } from './demo-province.js';
import { openNationalSide, type NationalSide } from './national-side.js';
import { openSigner } from './signer.js';

/**
 * Everything a sync outside `start` needs, opened in order and closed in reverse: the store
 * (migrated, bound to SENDER_CODE), the provincial database (the embedded demo seeded on
 * first use), the signer, and, unless only previewing, the national side.
 */
export interface SyncEdges {
  store: OpenedDatabase;
  source: OpenedDatabase;
  signer: CmsSigner;
  national: NationalSide | undefined;
  close(): Promise<void>;
}

export async function openSyncEdges(config: Config, logger: Logger, options: { national: boolean }): Promise<SyncEdges> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const fn of closers.reverse()) await fn().catch(() => undefined);
  };
  try {
    const { store } = await openMigratedStore(config);
    closers.push(() => store.close());
    const source = await openSourceDatabase(config);
    closers.push(() => source.close());
    await ensureDemoProvince(source, config, logger);
    const { signer } = await openSigner(config, logger);
    const national = options.national ? await openNationalSide(config) : undefined;
    if (national) closers.push(() => national.close());
    return { store, source, signer, national, close };
  } catch (err) {
    await close();
    throw err;
  }
}
