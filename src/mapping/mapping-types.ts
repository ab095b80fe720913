import type { CodeList, NationalContract } from '../contract/national-contract.js';

/**
 * The shapes shared by the mapping engine, the source reader and their callers.
 * A mapping (mappings/README.md) is data; `Mapping` is that data checked and compiled.
 */

/** One person as read from the provincial database: the vendor's row as a JSON document. */
export interface SourcePerson {
  /** The vendor's person id (the column source.persons.id), as text. */
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
  /** Where the value came from: 'hr.person.birth_date' (forward: the vendor table and column), '/ngaySinh' (reverse). */
  source: string;
  message: string;
  /** For the validator's SCHEMA_INVALID, the schema rule that failed (`pattern ^[0-9]{12}$`, `format date`). */
  rule?: string;
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

/**
 * Where the approving unit of the latest approval is: a column of the approval table, a
 * column of the person table, or a SQL expression over the approval row `a` and the person
 * row `p`. Absent: the person's own unit (`persons.unit`), or none.
 */
export type ApprovalUnitSpec = { column: string } | { personColumn: string } | { sql: string };

/** How the engine reads persons (source.json). Identifiers are checked at load. */
export interface SourceSpec {
  /** Table the person's own columns come from, for error sources: 'hr.person'. */
  table: string;
  /**
   * `historyKey`: the column of every history table that holds the person's id; lets
   * `mapping gaps` count people per value of a history column. `unit`: the column holding
   * the person's unit id. `where`: the engine's person filter, a SQL condition on the person
   * table (soft-deleted or departed people left out), applied to every read of persons.
   */
  persons: {
    table: string; id: string; historyKey?: string; unit?: string; where?: string;
    /** The person table's column holding a legacy 9-digit CMND, for looking a person up by it (`tx person`). */
    cmnd?: string;
  };
  approval?: {
    table: string;
    person: string;
    /** Column whose highest value is the latest row. */
    order: string;
    status: string;
    approvedValue: string;
    at?: string;
    unit?: ApprovalUnitSpec;
    approver?: string;
  };
  /** SELECT returning `vendor_id` and `doc`, over the CTE `chosen(person_id)` the engine adds. */
  documentSql: string;
  reference: Record<string, { sql: string; key: string }>;
  /**
   * Which reference table holds the units the agency rules follow, and its columns as row
   * keys (quotes dropped); `successor` '' when units are never replaced.
   */
  units?: { table: string; code: string; successor: string; parent: string };
}

/** The vendor's unit tree (top-level `units`): pull's receiving unit and sharing's subtrees. */
export interface UnitsSpec {
  table: string;
  id: string;
  code: string;
  name: string;
  parent: string;
  /** The unit replacing a closed one. */
  successor?: string;
  /** A boolean column: whether the unit still exists; without it, a unit with a successor is closed. */
  active?: string;
}

/** The vendor's table for incoming transferees (top-level `staging`). */
export interface StagingSpec {
  table: string;
  id: string;
  /** Column of the person's số định danh. */
  person: string;
  /** Column of the receiving unit's vendor id. */
  unit: string;
  /** Column the national record (in the vendor's terms, reverse-mapped) goes into. */
  record: string;
  /** The key of that record that takes the receiving unit's id (the person's unit once taken in). */
  recordUnit?: string;
  status: string;
  statuses: { waiting: string; takenIn: string; declined: string };
  /** Column set to now() whenever the row is written. */
  receivedAt?: string;
  /** Columns written with fixed values (the row's origin). */
  constants?: Record<string, string | number | boolean>;
  /** Columns the pull request's decision goes into. */
  request?: { decisionNo?: string; decisionEffective?: string; receivingUnit?: string };
  /** Already active in the province: a person row whose `person` column holds the số định danh and meets `where`. */
  active: { person: string; where?: string };
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
  units?: UnitsSpec;
  staging?: StagingSpec;
}
