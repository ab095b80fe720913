import type { LoadProblem } from './mapping-error.js';
import type { ApprovalUnitSpec, SourceSpec, UnitsSpec } from './mapping-types.js';
import { unquote } from './sql-names.js';

/**
 * A mapping's `source` as written (mappings/README.md) -> the SourceSpec the reader composes
 * its SQL from: SQL given as lines joined, the approving unit in its one shape, and the units
 * the agency rules follow, declared in `source.units` or, without it, read from the top-level
 * `units` table as a reference table of its own (`units`). Pure.
 */
type ApprovalJson = Omit<NonNullable<SourceSpec['approval']>, 'unit'> & { unit?: string | ApprovalUnitSpec };

export interface MappingSourceJson extends Omit<SourceSpec, 'documentSql' | 'reference' | 'approval' | 'units'> {
  documentSql: string | string[];
  reference: Record<string, { sql: string | string[]; key: string }>;
  approval?: ApprovalJson;
  units?: { table: string; code: string; successor?: string; parent: string };
}

/** The reference table the top-level `units` is read into when `source.units` is not given. */
export const UNITS_REFERENCE = 'units';

function joinSql(sql: string | string[]): string {
  return Array.isArray(sql) ? sql.join('\n') : sql;
}

export function compileSource(
  json: MappingSourceJson, units: UnitsSpec | undefined, problems: LoadProblem[], locate: (p: string) => string,
): SourceSpec {
  const reference: SourceSpec['reference'] = {};
  for (const [name, r] of Object.entries(json.reference)) {
    if (name !== '$comment') reference[name] = { sql: joinSql(r.sql), key: unquote(r.key) };
  }
  let sourceUnits: SourceSpec['units'];
  if (json.units) {
    const { table, code, parent, successor } = json.units;
    sourceUnits = { table, code: unquote(code), parent: unquote(parent), successor: successor === undefined ? '' : unquote(successor) };
  } else if (units) {
    if (UNITS_REFERENCE in reference) {
      problems.push({
        code: 'mapping.reference_unknown', path: locate(`/source/reference/${UNITS_REFERENCE}`),
        message: `'${UNITS_REFERENCE}' is where the top-level units are read; give this reference table another name, or declare source.units`,
      });
    }
    const columns = [units.id, units.code, units.parent, ...(units.successor ? [units.successor] : [])];
    reference[UNITS_REFERENCE] = { sql: `SELECT ${[...new Set(columns)].join(', ')} FROM ${units.table}`, key: unquote(units.id) };
    sourceUnits = {
      table: UNITS_REFERENCE, code: unquote(units.code), parent: unquote(units.parent),
      successor: units.successor ? unquote(units.successor) : '',
    };
  }
  const { approval, documentSql, reference: _written, units: _units, ...rest } = json;
  const spec: SourceSpec = { ...rest, documentSql: joinSql(documentSql), reference };
  if (sourceUnits) spec.units = sourceUnits;
  if (approval) {
    const { unit, ...others } = approval;
    spec.approval = { ...others, ...(unit === undefined ? {} : { unit: typeof unit === 'string' ? { column: unit } : withoutComment(unit) }) };
  }
  return spec;
}

function withoutComment(unit: ApprovalUnitSpec & { $comment?: string }): ApprovalUnitSpec {
  const { $comment: _comment, ...rest } = unit;
  return rest as ApprovalUnitSpec;
}
