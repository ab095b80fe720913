import type { ReferenceData, RunContext, SourceSpec } from './mapping-types.js';
import { report } from './rule-context.js';

/**
 * Units to agency codes and back. A unit closed by the 2025 reorganisation names its successor
 * (`thay_the_boi_id`, schema.sql): the person's data is written as belonging to the successor,
 * followed to the end of the chain. `root` climbs to the top of the unit tree (the province's
 * People's Committee, the managing agency of contract example official.json).
 */
const MAX_CHAIN = 50;

/** The units the agency rules follow: a reference table and its columns. */
export type UnitColumns = NonNullable<SourceSpec['units']>;

type Row = Record<string, unknown>;

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

/** What following a unit gave: its agency code, or the problem to report. */
type Outcome = { code: string } | { problem: string; message: string };

/**
 * Outcomes per reference data and units declaration: two rules read each person's unit, and a
 * province has a few thousand units for a hundred thousand people. Keyed by the objects
 * themselves, so another reference snapshot or another mapping never sees these results
 * (reference data is read once per run and never changed). Unit ids absent from the table
 * are remembered too, so the map starts over rather than grow past OUTCOME_CACHE_SIZE.
 */
const OUTCOME_CACHE_SIZE = 20_000;
const outcomes = new WeakMap<ReferenceData, WeakMap<UnitColumns, Map<string, Outcome>>>();

function cachedOutcomes(reference: ReferenceData, units: UnitColumns): Map<string, Outcome> {
  let byUnits = outcomes.get(reference);
  if (!byUnits) outcomes.set(reference, (byUnits = new WeakMap()));
  let found = byUnits.get(units);
  if (!found) byUnits.set(units, (found = new Map()));
  return found;
}

export function agencyOfUnit(
  unitId: string, level: 'unit' | 'root', units: UnitColumns, run: RunContext, path: string, source: string,
): string | undefined {
  const cache = cachedOutcomes(run.reference, units);
  const key = `${level} ${unitId}`;
  let outcome = cache.get(key);
  if (!outcome) {
    outcome = followUnit(unitId, level, units, run.reference);
    if (cache.size >= OUTCOME_CACHE_SIZE) cache.clear();
    cache.set(key, outcome);
  }
  if ('code' in outcome) return outcome.code;
  report(run, 'errors', outcome.problem, path, source, outcome.message);
  return undefined;
}

function followUnit(unitId: string, level: 'unit' | 'root', units: UnitColumns, reference: ReferenceData): Outcome {
  const table = reference.tables.get(units.table);
  let row: Row | undefined = table?.get(unitId);
  if (!row) return { problem: 'mapping.unit_unknown', message: `unit ${unitId} is not in '${units.table}'` };
  const seen = new Set<Row>();
  const step = (column: string): boolean => {
    const next = row?.[column];
    if (!present(next)) return false;
    const nextRow = table?.get(String(next));
    if (!nextRow || seen.has(nextRow) || seen.size > MAX_CHAIN) return false;
    seen.add(nextRow);
    row = nextRow;
    return true;
  };
  while (step(units.successor));
  if (level === 'root') while (step(units.parent)) while (step(units.successor));
  const code = row[units.code];
  if (!present(code)) {
    return { problem: 'mapping.unit_code_missing', message: `unit ${unitId} has no agency code (${units.code}), nor has its successor` };
  }
  return { code: String(code) };
}

/** The vendor unit carrying an agency code, preferring one not replaced by another. */
export function unitOfAgency(
  code: string, units: UnitColumns, run: RunContext, path: string, source: string,
): string | { ma: string } {
  const found = findUnit(run.reference, units, code);
  if (found !== undefined) return found;
  report(run, 'warnings', 'mapping.no_vendor_value', path, source, `no vendor unit has the agency code '${code}'; the code is kept`);
  // Kept as {ma}, like a code the vendor has no value for (code-rules.ts).
  return { ma: code };
}

function findUnit(reference: ReferenceData, units: UnitColumns, code: string): string | undefined {
  let fallback: string | undefined;
  for (const [key, row] of reference.tables.get(units.table) ?? []) {
    if (String(row[units.code] ?? '') !== code) continue;
    if (!present(row[units.successor])) return key;
    fallback ??= key;
  }
  return fallback;
}
