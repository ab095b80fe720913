import type { Config } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import type { CmsSigner } from '../signing/cms-signer.js';
import { openMigratedStore, openSourceDatabase, type OpenedDatabase } from './databases.js';
import { ensureDemoProvince, ensureRehearsalSource } from './demo-province.js';
import { openNationalSide, type NationalSide } from './national-side.js';
import { deferredSigner } from './deferred-signer.js';
import { sourceHandles, type SourceHandle } from './source-handles.js';
import { dbWhenNeeded } from './db-when-needed.js';
import { SyncError } from '../sync/sync-error.js';
import { DEFAULT_SOURCE } from '../sources/sources-file.js';
import { describeError } from '../errors.js';

/**
 * Every source of a merged province opened side by side; one that does not open is left to
 * the run (its people wait, exit 75). With none open there is nothing to read: refused with
 * `sync.no_source_reachable` (exit 75 too: the next run tries again).
 */
async function openSources(config: Config, logger: Logger, whenNeeded: boolean): Promise<{ handles: SourceHandle[]; first: OpenedDatabase }> {
  const handles = sourceHandles(config, logger);
  if (whenNeeded) {
    const first = handles[0]!;
    const db = dbWhenNeeded(() => first.db(), `source ${first.name}, opened when first read`);
    return { handles, first: { db, url: config.sources.sources[0]!.databaseUrl ?? '', embedded: false, close: async () => undefined } };
  }
  const opened = await Promise.allSettled(handles.map((h) => h.db()));
  const firstOpen = handles.find((h) => h.opened() !== undefined)?.opened();
  if (!firstOpen) {
    const why = opened.map((r, i) => `${handles[i]!.name}: ${r.status === 'rejected' ? describeError(r.reason) : 'closed'}`).join('; ');
    throw new SyncError('sync.no_source_reachable', `no source could be opened (không mở được nguồn nào): ${why}`);
  }
  return { handles, first: firstOpen };
}

/**
 * Everything a sync outside `start` needs, closed in reverse on the way out: the store
 * (migrated, bound to SENDER_CODE), the provincial database (the embedded demo seeded on
 * first use), the signer, and, unless only previewing, the national side. The signer is loaded
 * while the databases connect (or on first need: `deferSigner`), and two database servers are
 * connected side by side: each waits on its own (a server's round trips; the key file's parsing
 * and MAC check are CPU). A failure is reported as the first failing of the three in that
 * order, after what did open is closed again.
 */
export interface SyncEdges {
  store: OpenedDatabase;
  source: OpenedDatabase;
  signer: CmsSigner;
  national: NationalSide | undefined;
  /** A merged province's sources (SOURCES_FILE), `source` being the first of them that opened. */
  handles?: SourceHandle[];
  close(): Promise<void>;
}

export interface SyncEdgesOptions {
  /** Open the national side (not for a dry run). */
  national: boolean;
  /**
   * Read the key when something is to be signed, not now (`sync`: a run with nothing due reads
   * none; compose/deferred-signer.ts). Otherwise it is read while the databases connect.
   */
  deferSigner?: boolean;
  /**
   * A merged province's sources (SOURCES_FILE, not the rehearsal) opened when first read, not
   * now: the operators' actions, most of which read no source, work while the sources are down.
   */
  sourcesWhenNeeded?: boolean;
}

export async function openSyncEdges(config: Config, logger: Logger, options: SyncEdgesOptions): Promise<SyncEdges> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const fn of closers.reverse()) await fn().catch(() => undefined);
  };
  try {
    // Two embedded databases (PGlite) are started one after the other: each is heavy to start.
    // A merged province's sources open after the store, side by side among themselves.
    const fromFile = config.sources.fromFile;
    const servers = !fromFile && config.databaseUrl !== undefined && config.sourceDatabaseUrl !== undefined;
    const openSource = async (): Promise<{ handles?: SourceHandle[]; first: OpenedDatabase }> =>
      fromFile ? openSources(config, logger, options.sourcesWhenNeeded === true && config.demoSources !== 2) : { first: await openSourceDatabase(config) };
    const storeOpening = openMigratedStore(config);
    const [opened, sourceOpened, signerOpened] = await Promise.allSettled([
      storeOpening,
      servers ? openSource() : storeOpening.then(openSource),
      options.deferSigner ? { signer: deferredSigner(config, logger) } : import('./signer.js').then(({ openSigner }) => openSigner(config, logger)),
    ]);
    if (opened.status === 'fulfilled') closers.push(() => opened.value.store.close());
    if (sourceOpened.status === 'fulfilled') {
      const { handles, first } = sourceOpened.value;
      closers.push(handles ? () => Promise.all(handles.map((h) => h.close())).then(() => undefined) : () => first.close());
    }
    for (const r of [opened, sourceOpened, signerOpened]) if (r.status === 'rejected') throw r.reason;
    const store = (opened as PromiseFulfilledResult<{ store: OpenedDatabase }>).value.store;
    const { handles, first: source } = (sourceOpened as PromiseFulfilledResult<{ handles?: SourceHandle[]; first: OpenedDatabase }>).value;
    const { signer } = (signerOpened as PromiseFulfilledResult<{ signer: CmsSigner }>).value;
    if (handles && config.demoSources === 2) {
      // The rehearsal (DEMO_SOURCES=2): each demo database seeded as its source's vendor.
      for (const h of handles) {
        const opened = h.opened();
        if (!opened) continue;
        if (h.name === DEFAULT_SOURCE) await ensureDemoProvince(opened, config, logger);
        else await ensureRehearsalSource(opened, h.name, config, logger);
      }
    } else {
      await ensureDemoProvince(source, config, logger);
    }
    const national = options.national ? await openNationalSide(config) : undefined;
    if (national) closers.push(() => national.close());
    return { store, source, signer, national, ...(handles ? { handles } : {}), close };
  } catch (err) {
    await close();
    throw err;
  }
}
