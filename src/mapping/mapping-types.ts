import type { CodeList, NationalContract } from '../contract/national-contract.js';

/**
 * The shapes shared by the mapping engine, the source reader and their callers.
 * A mapping (mappings/README.md) is data; `Mapping` is that data checked and compiled.
 */

/** One person as read from the provincial database: the vendor's row as a JSON document. */
export interface SourcePerson {
  /** The vendor's person id (qlcb.can_bo.id), as text. */
  vendorId: string;
  /** Column name -> value, plus one array per history table keyed by table name. */
  doc: Record<string, unknown>;
  /** The person's latest approval row, when the mapping declares an approval table. */
  approval?: ApprovalRow;
}

export interface ApprovalRow {
  id: string;
  status: string;
  /** ISO date-time of the approval (UTC), when the row has one. */
  at?: string;
  unitId?: string;
  approver?: string;
}

/** Reference tables read once per run: table name -> key (as text) -> row. */
export interface ReferenceData {
  tables: ReadonlyMap<string, ReadonlyMap<string, Record<string, unknown>>>;
}

/** A mapping or validation problem about one person, or a warning. */
export interface MappingProblem {
  /** `mapping.*` for the mapper's own findings; the validator's codes (SCHEMA_INVALID...) otherwise. */
  code: string;
  /** JSON Pointer into the national record (forward) or into ho_so (reverse). */
  path: string;
  /** Where the value came from: 'qlcb.can_bo.ngay_sinh' (forward), '/ngaySinh' (reverse). */
  source: string;
  message: string;
}

export type NationalRecord = Record<string, unknown>;

export type MapResult =
  | { ok: true; record: NationalRecord; warnings: MappingProblem[] }
  | {
    ok: false;
    /** The record as far as it was mapped, not sendable: partial when a rule threw. */
    record: NationalRecord;
    errors: MappingProblem[];
    warnings: MappingProblem[];
  };

export interface ReverseResult {
  hoSo: Record<string, unknown>;
  warnings: MappingProblem[];
}

/** How the engine reads persons (source.json). Identifiers are checked at load. */
export interface SourceSpec {
  /** Table the person's own columns come from, for error sources: 'qlcb.can_bo'. */
  table: string;
  /**
   * `historyKey`: the column of every history table that holds the person's id; lets
   * `mapping gaps` count people per value of a history column.
   */
  persons: { table: string; id: string; historyKey?: string };
  approval?: {
    table: string;
    person: string;
    /** Column whose highest value is the latest row. */
    order: string;
    status: string;
    approvedValue: string;
    at: string;
    unit: string;
    approver: string;
  };
  /** SELECT returning `vendor_id` and `doc`, over the CTE `chosen(person_id)` the engine adds. */
  documentSql: string;
  reference: Record<string, { sql: string; key: string }>;
  units: { table: string; code: string; successor: string; parent: string };
}

/** A code list as the mapping matches it: national names and codes plus the mapping's synonyms. */
export interface CodeMatcher {
  list: CodeList;
  /** Vendor text or code -> national item; undefined when nothing matches. */
  forward(value: string): CodeList['items'][number] | undefined;
  /** National code -> the vendor's value for it, when the mapping knows one. */
  reverse(code: string): string | undefined;
}

export type Evaluator = (input: unknown, run: RunContext, at: string) => unknown;

export interface RunContext {
  root: unknown;
  reference: ReferenceData;
  errors: MappingProblem[];
  warnings: MappingProblem[];
}

export interface CompiledRules {
  evaluate: Evaluator;
  /**
   * As evaluate at the root, writing each field into `out` as it is made: when a rule throws,
   * `out` keeps the fields made before it.
   */
  fill(input: unknown, run: RunContext, out: Record<string, unknown>): void;
  /** Pointer pattern ('/quaTrinhCongTac/*\/tuThang') -> vendor source, for validator problems. */
  sources: ReadonlyMap<string, string>;
}

export interface Mapping {
  name: string;
  contract: NationalContract;
  source: SourceSpec;
  forward: CompiledRules;
  reverse: CompiledRules;
}
