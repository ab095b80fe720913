import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MappingError } from '../mapping/mapping-error.js';
import type { Abbreviations } from '../mapping/synonym-suggester.js';
import { paths } from '../paths.js';

/**
 * The abbreviations the suggestions of `mapping gaps` know (mappings/abbreviations.json): data
 * beside the mappings, so a province or a new vendor adds one without touching the code.
 */
export const ABBREVIATIONS_FILE = join(paths.root, 'mappings', 'abbreviations.json');

export function readAbbreviations(file: string = ABBREVIATIONS_FILE): Abbreviations {
  try {
    const json = JSON.parse(readFileSync(file, 'utf8')) as { abbreviations?: unknown };
    const table = json.abbreviations;
    if (typeof table !== 'object' || table === null || Array.isArray(table) || Object.values(table).some((v) => typeof v !== 'string')) {
      throw new TypeError("'abbreviations' must be an object of strings");
    }
    return table as Abbreviations;
  } catch (err) {
    throw new MappingError('mapping.file_invalid', `cannot use the abbreviations ${file}: ${(err as Error).message}`, { cause: err });
  }
}
