import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { paths } from '../paths.js';
import { invalidSourcesFile } from './sources-error.js';
import { parseSourcesFile, type SourcesSetup } from './sources-file.js';

/**
 * Reads SOURCES_FILE at configuration time, before anything is opened. A mapping is found as
 * MAPPING_FILE is (relative to the gateway's folder: `mappings/qlcb`); an overlay relative to
 * the working directory, and by default DATA_DIR/mapping-overlay-NAME.json, one per source.
 */
export function readSourcesFile(file: string, dataDir: string): SourcesSetup {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw invalidSourcesFile(file, [{ code: 'sources.unreadable', path: '', message: `cannot read the file (không đọc được tệp): ${(err as Error).message}` }]);
  }
  const mappingPath = (m: string): string => (isAbsolute(m) ? m : resolve(paths.root, m));
  const setup = parseSourcesFile(text, file, (m) => existsSync(mappingPath(m)));
  return {
    ...setup,
    sources: setup.sources.map((s) => ({
      ...s,
      overlayFile: s.overlayFile === undefined ? join(dataDir, `mapping-overlay-${s.name}.json`) : resolve(s.overlayFile),
    })),
  };
}
