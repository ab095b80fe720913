import { GatewayError, type ErrorDetail } from '../errors.js';

/**
 * A mapping that cannot be used: its files are unreadable, do not match the mapping schema,
 * name an unknown transform, a national field the contract does not have, or a code that is
 * not in its national list. `details` name each problem as `file.json#/json/path`.
 * Codes: mapping.file_unreadable, mapping.file_invalid, mapping.transform_unknown,
 * mapping.option_unknown, mapping.field_unknown, mapping.code_list_unknown,
 * mapping.code_target_unknown, mapping.reference_unknown; and, for misuse only a bug causes,
 * mapping.worker_misuse, mapping.contract_mismatch, mapping.rule_incomplete.
 */
export class MappingError extends GatewayError {}

export interface LoadProblem extends ErrorDetail {
  code: string;
}

export function mappingError(problems: LoadProblem[]): MappingError {
  const first = problems[0];
  const shown = problems.slice(0, 5).map((p) => `${p.path}: ${p.message}`).join('; ');
  const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : '';
  return new MappingError(first?.code ?? 'mapping.file_invalid', `invalid mapping: ${shown}${more}`, {
    details: problems.map(({ path, message }) => ({ path, message })),
  });
}
