import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { nationalContract, type NationalContract } from '../contract/national-contract.js';
import { paths } from '../paths.js';
import { compileMapping, type CompiledMapping, type MappingDocument } from './mapping-compiler.js';
import { MappingError } from './mapping-error.js';

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
