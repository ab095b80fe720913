import { codeFieldLocations } from './code-fields.js';
import { codeList, type NationalContract } from './national-contract.js';
import { checkNationalRules, checkPushRecordRules, type RecordProblem, type RuleLists } from './national-rules.js';
import { createSchemaValidators } from './schema-validators.js';

export type { RecordProblem, RecordProblemCode } from './national-rules.js';

/**
 * One record checked the way the national side checks it before storing it: the schema
 * (SCHEMA_INVALID), then every rule of national-rules.ts. The rules run even when the schema
 * fails, on whatever parts have the right shape, so one pass lists every problem a mapping
 * must fix. Used by the mapping's pre-validation and by the national simulator alike.
 */
export interface NationalValidator {
  /** An official's record (`official.schema.json`); paths relative to it (`/luong/heSo`). */
  validateRecord(data: unknown): RecordProblem[];
  /** One item of a packet's `records`; paths relative to it (`/data/luong/heSo`, `/soDinhDanh`). */
  validatePushRecord(rec: unknown): RecordProblem[];
}

function asObject(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function createNationalValidator(contract: NationalContract): NationalValidator {
  const schemas = createSchemaValidators(contract);
  const locations = codeFieldLocations(contract.schemas.official);
  // Fail at start-up, not per record, when the contract names a list it does not ship.
  for (const { list } of locations) codeList(contract, list);
  const lists: RuleLists = {
    codes: contract.codes,
    ngach: codeList(contract, 'ngach'),
    chucDanhNgheNghiep: codeList(contract, 'chuc-danh-nghe-nghiep'),
    bangLuong: codeList(contract, 'bang-luong'),
  };

  const schemaProblems = (problems: { path: string; message: string; rule?: string }[]): RecordProblem[] =>
    problems.map((p) => ({ code: 'SCHEMA_INVALID', path: p.path, message: p.message, ...(p.rule ? { rule: p.rule } : {}) }));

  return {
    validateRecord(data) {
      const problems = schemaProblems(schemas.official(data));
      const record = asObject(data);
      return record ? [...problems, ...checkNationalRules(record, locations, lists)] : problems;
    },
    validatePushRecord(rec) {
      const problems = schemaProblems(schemas.pushRecord(rec));
      const push = asObject(rec);
      if (!push) return problems;
      const data = asObject(push.data);
      if (data) problems.push(...checkNationalRules(data, locations, lists, '/data'));
      return [...problems, ...checkPushRecordRules(push)];
    },
  };
}
