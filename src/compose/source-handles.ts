import type { Config } from '../config/config.js';
import { describeError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { CompiledMapping } from '../mapping/mapping-compiler.js';
import { loadEffectiveMapping, mappingFilesStamp } from '../mapping/mapping-loader.js';
import type { SyncSource } from '../sync/sync-sources.js';
import { openNamedSource, type OpenedDatabase } from './databases.js';

/**
 * A merged province's sources as the sync reads them (src/sync/sync-sources.ts). Each opens its
 * database when first asked and, after a failure, tries again when asked next (the next run);
 * each follows its own mapping and overlay files as `composeSync` does for one source: a
 * changed file is loaded again before the run, and one that no longer loads keeps the last
 * good mapping (logged).
 */
export interface SourceHandle extends SyncSource {
  /** The database when it is open (for the operators' actions and start-up lines). */
  opened(): OpenedDatabase | undefined;
  close(): Promise<void>;
}

export function sourceHandles(config: Config, logger: Logger, already: Map<string, OpenedDatabase> = new Map()): SourceHandle[] {
  return config.sources.sources.map((entry) => {
    const files = { mappingFile: entry.mapping, mappingOverlayFile: entry.overlayFile ?? `${config.dataDir}/mapping-overlay-${entry.name}.json` };
    let stamp = mappingFilesStamp(files);
    let mapping: CompiledMapping = loadEffectiveMapping(files);
    let database: OpenedDatabase | undefined = already.get(entry.name);
    let opening: Promise<OpenedDatabase> | undefined;
    return {
      name: entry.name,
      mapping() {
        const now = mappingFilesStamp(files);
        if (now !== stamp) {
          stamp = now;
          try {
            mapping = loadEffectiveMapping(files);
          } catch (err) {
            logger.error('a source\'s mapping or overlay no longer loads; its last good mapping is kept', { source: entry.name, error: describeError(err) });
          }
        }
        return mapping;
      },
      async db() {
        if (database) return database.db;
        opening ??= openNamedSource(config, entry.name, entry.databaseUrl);
        try {
          database = await opening;
          return database.db;
        } finally {
          opening = undefined;
        }
      },
      opened: () => database,
      async close() {
        const d = database;
        database = undefined;
        if (d && !already.has(entry.name)) await d.close();
      },
    };
  });
}
