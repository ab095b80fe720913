import { decodePointerToken, escapePointerToken } from '../contract/json-pointer.js';
import { codeList, type NationalContract } from '../contract/national-contract.js';
import { createNationalValidator } from '../contract/record-validator.js';
import { createCodeMatcher, type CodeListSpec } from './code-matcher.js';
import { ajvProblem, mappingError, type LoadProblem } from './mapping-error.js';
// mappingFileSchema's ajv code, generated ahead of time (scripts/gen-validators.ts): compiling it
// at load cost ~135 ms of every start.
import { validateMappingFile } from './mapping-file-validators.generated.js';
import { mappingFileSchema } from './mapping-file-schema.js';
import { mappingFingerprint } from './mapping-fingerprint.js';
import { applyOverlay } from './mapping-overlay.js';
import type { CodeMatcher, CompiledRules, Mapping, StagingSpec, UnitsSpec } from './mapping-types.js';
import { compileSource, type MappingSourceJson } from './source-compiler.js';
import type { CompileEnv, Rule } from './compile-env.js';
import type { MappingDocument } from './mapping-document.js';
import { compileFields } from './rule-compiler.js';

/**
 * A mapping's documents (one per file) merged, checked and compiled: the pure half of
 * `loadMapping` (mapping-loader.ts reads the files). Any problem throws one MappingError
 * listing every problem found, each as `file.json#/json/path: reason`.
 */
export interface CompiledMapping extends Mapping {
  /** The documents it was compiled from, so a worker thread can compile the same mapping. */
  documents: MappingDocument[];
  /** The national validator's pre-validation of one record (record-validator.ts). */
  validate(record: unknown): { code: string; path: string; message: string; rule?: string }[];
  /** How vendor values of a national list are matched, shipped synonyms and overlay included. */
  matcher(list: string): CodeMatcher | undefined;
  /** Hash of the effective mapping and the national code lists (mapping-fingerprint.ts). */
  fingerprint: string;
  /**
   * The `soDinhDanh` rule alone (person-identity.ts): a merged sync reads each due person's
   * số định danh from the person row before reading whole documents. Undefined when the
   * mapping has no such rule.
   */
  identity?: CompiledRules;
}


export function compileMapping(documents: MappingDocument[], contract: NationalContract): CompiledMapping {
  const problems: LoadProblem[] = [];
  const merged: Record<string, unknown> = {};
  const origin = new Map<string, string>();
  for (const { file, json } of documents.filter((d) => d.overlay !== true)) {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      problems.push({ code: 'mapping.file_invalid', path: `${file}#`, message: 'a mapping file holds one JSON object' });
      continue;
    }
    for (const [key, value] of Object.entries(json)) {
      if (key === '$comment') continue;
      if (origin.has(key)) {
        problems.push({ code: 'mapping.file_invalid', path: `${file}#/${key}`, message: `'${key}' is also defined in ${origin.get(key)}` });
        continue;
      }
      origin.set(key, file);
      merged[key] = value;
    }
  }
  const fallback = documents[0]?.file ?? '(mapping)';
  const locate = (jsonPath: string): string => {
    const top = decodePointerToken(jsonPath.split('/')[1] ?? '');
    return `${origin.get(top) ?? fallback}#${jsonPath}`;
  };
  if (problems.length === 0 && !validateMappingFile(merged)) {
    for (const error of validateMappingFile.errors ?? []) {
      const p = ajvProblem(error, locate, mappingFileSchema);
      if (p) problems.push(p);
    }
  }
  if (problems.length > 0) throw mappingError(problems);

  const doc = merged as {
    mapping: string;
    source: MappingSourceJson;
    units?: UnitsSpec;
    staging?: StagingSpec;
    fields: Record<string, Rule>;
    codes: Record<string, CodeListSpec>;
    reverse: { fields: Record<string, Rule> };
  };
  const source = compileSource(doc.source, doc.units, problems, locate);
  let specs = doc.codes;
  for (const overlay of documents.filter((d) => d.overlay === true)) specs = applyOverlay(overlay.file, overlay.json, specs, contract, problems);
  const codes = buildMatchers(specs, contract, problems, locate);
  const referenceNames = new Set(Object.keys(source.reference));
  if (source.units && !referenceNames.has(source.units.table)) {
    problems.push({ code: 'mapping.reference_unknown', path: locate('/source/units/table'), message: `no reference table '${source.units.table}' in source.reference` });
  }
  const env = (direction: CompileEnv['direction']): CompileEnv => ({
    direction,
    contract,
    matcher: (list) => codes.get(list),
    units: source.units,
    referenceNames,
    problems,
    locate,
  });
  const forward = compileFields(doc.fields, env('forward'), '/fields', source.table);
  const reverse = compileFields(doc.reverse.fields, env('reverse'), '/reverse/fields', '');
  if (problems.length > 0) throw mappingError(problems);
  const identity = doc.fields.soDinhDanh === undefined ? undefined : compileFields({ soDinhDanh: doc.fields.soDinhDanh }, env('forward'), '/fields', source.table);
  if (problems.length > 0) throw mappingError(problems);

  const validator = createNationalValidator(contract);
  return {
    name: doc.mapping,
    documents,
    contract,
    source,
    forward,
    reverse,
    ...(doc.units ? { units: doc.units } : {}),
    ...(doc.staging ? { staging: doc.staging } : {}),
    validate: (record) => validator.validateRecord(record),
    matcher: (list) => codes.get(list),
    fingerprint: mappingFingerprint(documents, contract),
    ...(identity ? { identity } : {}),
  };
}

/** One matcher per national list: the mapping's spec where it has one, names otherwise. */
function buildMatchers(
  specs: Record<string, CodeListSpec>, contract: NationalContract, problems: LoadProblem[], locate: (p: string) => string,
): Map<string, CodeMatcher> {
  const matchers = new Map<string, CodeMatcher>();
  for (const [name, spec] of Object.entries(specs)) {
    if (name === '$comment') continue;
    const list = contract.codes.get(name);
    if (!list) {
      problems.push({ code: 'mapping.code_list_unknown', path: locate(`/codes/${name}`), message: `no national code list '${name}'` });
      continue;
    }
    for (const table of ['synonyms', 'superseded'] as const) {
      for (const [from, to] of Object.entries(spec[table] ?? {})) {
        if (!list.byCode.has(to)) {
          problems.push({
            code: 'mapping.code_target_unknown',
            path: locate(`/codes/${name}/${table}/${escapePointerToken(from)}`),
            message: `'${to}' is not a code of the national list '${name}'`,
          });
        }
      }
    }
    matchers.set(name, createCodeMatcher(list, spec));
  }
  for (const name of contract.codes.keys()) {
    if (!matchers.has(name) && !(name in specs)) matchers.set(name, createCodeMatcher(codeList(contract, name), { match: 'name' }));
  }
  return matchers;
}
