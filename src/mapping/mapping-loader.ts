import { mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { nationalContract, type NationalContract } from '../contract/national-contract.js';
import { paths } from '../paths.js';
import { compileMapping, type CompiledMapping } from './mapping-compiler.js';
import type { MappingDocument } from './mapping-document.js';
import { MappingError } from './mapping-error.js';
import type { OverlayJson } from './mapping-overlay.js';

/**
 * The file edge of the mapping: reads a mapping folder (every `*.json` in it, in name order)
 * or a single JSON file, and hands the documents to the pure compiler. A relative path is
 * taken from the project root, so MAPPING_FILE=mappings/qlcb works from any working folder.
 */
export function readMappingDocuments(dirOrFile: string): MappingDocument[] {
  const target = isAbsolute(dirOrFile) ? dirOrFile : resolve(paths.root, dirOrFile);
  let files: string[];
  try {
    files = statSync(target).isDirectory()
      ? readdirSync(target).filter((f) => f.endsWith('.json')).sort().map((f) => join(target, f))
      : [target];
  } catch (err) {
    throw new MappingError('mapping.file_unreadable', `cannot read the mapping ${target}: ${(err as Error).message}`, { cause: err });
  }
  if (files.length === 0) throw new MappingError('mapping.file_unreadable', `no .json files in the mapping folder ${target}`);
  return files.map((file) => {
    const name = basename(file);
    try {
      return { file: name, json: JSON.parse(readFileSync(file, 'utf8')) as unknown };
    } catch (err) {
      throw new MappingError('mapping.file_invalid', `${name}: not readable JSON: ${(err as Error).message}`, {
        cause: err, details: [{ path: `${name}#`, message: (err as Error).message }],
      });
    }
  });
}

export function loadMapping(dirOrFile: string, contract: NationalContract = nationalContract()): CompiledMapping {
  return compileMapping(readMappingDocuments(dirOrFile), contract);
}

/** Where the mapping and the province's overlay are: MAPPING_FILE and MAPPING_OVERLAY_FILE. */
export interface MappingFiles {
  mappingFile: string;
  mappingOverlayFile: string;
}

/**
 * The overlay file as a mapping document, or undefined when the province has none yet. It is
 * read as it is: the compiler checks it with the mapping.
 */
export function readOverlayDocument(file: string): MappingDocument | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new MappingError('mapping.file_unreadable', `cannot read the mapping overlay ${file}: ${(err as Error).message}`, { cause: err });
  }
  const name = basename(file);
  try {
    return { file: name, json: JSON.parse(text) as unknown, overlay: true };
  } catch (err) {
    throw new MappingError('mapping.file_invalid', `${name}: not readable JSON: ${(err as Error).message}`, {
      cause: err, details: [{ path: `${name}#`, message: (err as Error).message }],
    });
  }
}

/** The overlay's content, `{}` when there is no file yet. */
export function readOverlay(file: string): OverlayJson {
  return (readOverlayDocument(file)?.json ?? {}) as OverlayJson;
}

/** Writes the overlay whole, through a temporary file, so a crash never leaves half a file. */
export function writeOverlay(file: string, overlay: OverlayJson): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(overlay, null, 2)}\n`, 'utf8');
  renameSync(temporary, file);
}

/**
 * What changes when someone edits the mapping or the overlay: each file's name, size and
 * modification time. Cheap enough to take before every sync; the mapping is compiled again
 * only when it differs.
 */
export function mappingFilesStamp(files: MappingFiles): string {
  const target = isAbsolute(files.mappingFile) ? files.mappingFile : resolve(paths.root, files.mappingFile);
  const stamp = (file: string): string => {
    try {
      const s = statSync(file);
      return `${file}:${s.size}:${s.mtimeMs}`;
    } catch {
      return `${file}:-`;
    }
  };
  let inFolder: string[] = [];
  try {
    if (statSync(target).isDirectory()) inFolder = readdirSync(target).filter((f) => f.endsWith('.json')).sort().map((f) => join(target, f));
  } catch {
    // An unreadable mapping is reported by the load that follows a changed stamp.
  }
  return [target, ...inFolder, files.mappingOverlayFile].map(stamp).join('|');
}

/**
 * The mapping every command uses (sync, start, map, mapping gaps): the shipped mapping with
 * the province's overlay over it, compiled and checked as one. `overlay`, when given, stands
 * for the file's content (an edit checked before it is written).
 */
export function loadEffectiveMapping(files: MappingFiles, contract: NationalContract = nationalContract(), overlay?: OverlayJson): CompiledMapping {
  const document = overlay === undefined
    ? readOverlayDocument(files.mappingOverlayFile)
    : { file: basename(files.mappingOverlayFile), json: overlay, overlay: true };
  return compileMapping([...readMappingDocuments(files.mappingFile), ...(document ? [document] : [])], contract);
}
