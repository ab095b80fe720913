import type { ErrorObject } from 'ajv/dist/2020.js';
import { escapePointerToken } from '../contract/json-pointer.js';
import { CodedError, type ErrorDetail } from '../errors.js';
import { allowedKeysAt, nearestKey } from './key-suggestion.js';

/**
 * A mapping that cannot be used: its files are unreadable, do not match the mapping schema,
 * name an unknown transform, a national field the contract does not have, or a code that is
 * not in its national list. `details` name each problem as `file.json#/json/path`. An unknown
 * key is mapping.file_invalid, its message naming the nearest key the language has.
 */
export type MappingErrorCode =
  | 'mapping.file_unreadable'
  | 'mapping.file_invalid'
  | 'mapping.transform_unknown'
  | 'mapping.option_unknown'
  | 'mapping.field_unknown'
  | 'mapping.code_list_unknown'
  | 'mapping.code_not_in_list'
  | 'mapping.code_target_unknown'
  | 'mapping.reference_unknown'
  | 'mapping.units_unmapped'
  /** `mapping synonym add|remove` refused: an empty spelling, one taken by another code, one not there. */
  | 'mapping.synonym_empty'
  | 'mapping.synonym_conflict'
  | 'mapping.synonym_not_found'
  /** The mapping workers: a thread that died, or work given after they closed. */
  | 'mapping.thread_failed'
  | 'mapping.threads_closed'
  /** Misuse only a bug causes. */
  | 'mapping.worker_misuse'
  | 'mapping.contract_mismatch'
  | 'mapping.rule_incomplete';

export class MappingError extends CodedError<MappingErrorCode> {}

export interface LoadProblem extends ErrorDetail {
  code: MappingErrorCode;
}

export function mappingError(problems: LoadProblem[]): MappingError {
  const first = problems[0];
  const shown = problems.slice(0, 5).map((p) => `${p.path}: ${p.message}`).join('; ');
  const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : '';
  return new MappingError(first?.code ?? 'mapping.file_invalid', `invalid mapping: ${shown}${more}`, {
    details: problems.map(({ path, message }) => ({ path, message })),
  });
}

/**
 * One ajv failure of a mapping or overlay file as a problem located by `locate`. An unknown key
 * names the nearest allowed one of `schema` (the schema the file was checked against).
 */
export function ajvProblem(error: ErrorObject, locate: (p: string) => string, schema?: unknown): LoadProblem | undefined {
  const params = error.params as Record<string, unknown>;
  const suggest = (name: string): string => {
    const near = schema === undefined ? undefined : nearestKey(name, allowedKeysAt(schema, error.schemaPath));
    return near === undefined ? '' : `; did you mean '${near}'?`;
  };
  if (error.keyword === 'propertyNames') {
    const name = String(params.propertyName);
    return { code: 'mapping.transform_unknown', path: locate(`${error.instancePath}/${escapePointerToken(name)}`), message: `unknown transform or option '${name}'${suggest(name)}` };
  }
  // The enum failure under propertyNames repeats the propertyNames one.
  if (error.keyword === 'enum' && error.schemaPath.includes('propertyNames')) return undefined;
  if (error.keyword === 'additionalProperties') {
    const name = String(params.additionalProperty);
    return { code: 'mapping.file_invalid', path: locate(`${error.instancePath}/${escapePointerToken(name)}`), message: `unknown key '${name}'${suggest(name)}` };
  }
  if (error.keyword === 'required') {
    return { code: 'mapping.file_invalid', path: locate(error.instancePath), message: `'${String(params.missingProperty)}' is required` };
  }
  return { code: 'mapping.file_invalid', path: locate(error.instancePath), message: error.message ?? error.keyword };
}
