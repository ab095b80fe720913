import type { Config } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import type { CmsSigner } from '../signing/cms-signer.js';
import { openMigratedStore, openSourceDatabase, type OpenedDatabase } from './databases.js';
import { ensureDemoProvince } from './demo-province.js';
import { openNationalSide, type NationalSide } from './national-side.js';
import { openSigner } from './signer.js';
import { sourceHandles, type SourceHandle } from './source-handles.js';
import { SyncError } from '../sync/sync-error.js';
import { describeError } from '../errors.js';

/**
 * Every source of a merged province opened side by side; one that does not open is left to
 * the run (its people wait, exit 75). With none open there is nothing to read: refused with
 * `sync.no_source_reachable` (exit 75 too: the next run tries again).
 */
async function openSources(config: Config, logger: Logger): Promise<{ handles: SourceHandle[]; first: OpenedDatabase }> {
  const handles = sourceHandles(config, logger);
  const opened = await Promise.allSettled(handles.map((h) => h.db()));
  const firstOpen = handles.find((h) => h.opened() !== undefined)?.opened();
  if (!firstOpen) {
    const why = opened.map((r, i) => `${handles[i]!.name}: ${r.status === 'rejected' ? describeError(r.reason) : 'closed'}`).join('; ');
    throw new SyncError('sync.no_source_reachable', `no source could be opened (không mở được nguồn nào): ${why}`);
  }
  return { handles, first: firstOpen };
}

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
  /** A merged province's sources (SOURCES_FILE), `source` being the first of them that opened. */
  handles?: SourceHandle[];
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
    const merged = config.sources.fromFile ? await openSources(config, logger) : undefined;
    if (merged) closers.push(() => Promise.all(merged.handles.map((h) => h.close())).then(() => undefined));
    const source = merged ? merged.first : await openSourceDatabase(config);
    if (!merged) closers.push(() => source.close());
    await ensureDemoProvince(source, config, logger);
    const { signer } = await openSigner(config, logger);
    const national = options.national ? await openNationalSide(config) : undefined;
    if (national) closers.push(() => national.close());
    return { store, source, signer, national, ...(merged ? { handles: merged.handles } : {}), close };
  } catch (err) {
    await close();
    throw err;
  }
}
