import type { Config } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import type { CmsSigner } from '../signing/cms-signer.js';
import { openMigratedStore, openSourceDatabase, type OpenedDatabase } from './databases.js';
import { ensureDemoProvince } from './demo-province.js';
import { openNationalSide, type NationalSide } from './national-side.js';
import { openSigner } from './signer.js';

/**
 * Everything a sync outside `start` needs, closed in reverse on the way out: the store
 * (migrated, bound to SENDER_CODE), the provincial database (the embedded demo seeded on
 * first use), the signer, and, unless only previewing, the national side. The signer is loaded
 * while the databases connect, and two database servers are connected side by side: each waits
 * on its own (a server's round trips; the key file's parsing and MAC check are CPU), and a sync
 * with nothing to do is mostly this waiting. A failure is reported as the first failing of the
 * three in that order, after what did open is closed again.
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
    // Two embedded databases (PGlite) are started one after the other, as before: each is heavy to start.
    const servers = config.databaseUrl !== undefined && config.sourceDatabaseUrl !== undefined;
    const storeOpening = openMigratedStore(config);
    const [opened, sourceOpened, signerOpened] = await Promise.allSettled([
      storeOpening,
      servers ? openSourceDatabase(config) : storeOpening.then(() => openSourceDatabase(config)),
      openSigner(config, logger),
    ]);
    if (opened.status === 'fulfilled') closers.push(() => opened.value.store.close());
    if (sourceOpened.status === 'fulfilled') closers.push(() => sourceOpened.value.close());
    for (const r of [opened, sourceOpened, signerOpened]) if (r.status === 'rejected') throw r.reason;
    const store = (opened as PromiseFulfilledResult<{ store: OpenedDatabase }>).value.store;
    const source = (sourceOpened as PromiseFulfilledResult<OpenedDatabase>).value;
    const { signer } = (signerOpened as PromiseFulfilledResult<{ signer: CmsSigner }>).value;
    await ensureDemoProvince(source, config, logger);
    const national = options.national ? await openNationalSide(config) : undefined;
    if (national) closers.push(() => national.close());
    return { store, source, signer, national, close };
  } catch (err) {
    await close();
    throw err;
  }
}
