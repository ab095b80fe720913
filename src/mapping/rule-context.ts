import type { RunContext } from './mapping-types.js';

/**
 * What every transform does with the run it maps in (rule-leaves.ts, code-rules.ts,
 * unit-rules.ts): read a scalar as text, find a reference row, report a problem. One place, so
 * a missing reference row reads the same whichever rule met it (person-mapper.ts reports such
 * a problem once by its code, source and message).
 */

/** Text of a scalar, or undefined for absent values and non-scalars. */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return undefined;
}

export function report(
  run: RunContext, severity: 'errors' | 'warnings', code: string, path: string, source: string, message: string,
): void {
  run[severity].push({ code, path, source, message });
}

/** The row of reference table `table` keyed by `key`; none is an error, mapping.reference_missing. */
export function referenceRow(
  run: RunContext, table: string, key: unknown, path: string, source: string,
): Record<string, unknown> | undefined {
  const row = run.reference.tables.get(table)?.get(String(key));
  if (!row) report(run, 'errors', 'mapping.reference_missing', path, source, `no row ${String(key)} in reference table '${table}'`);
  return row;
}

/**
 * The row of reference table `table` whose column `by` holds `value` (as text): a code table
 * joined on a column other than its key. The index is built once per table and column for a
 * reference snapshot (reference data never changes during a run).
 */
const byColumn = new WeakMap<ReadonlyMap<string, Record<string, unknown>>, Map<string, Map<string, Record<string, unknown>>>>();

export function rowBy(run: RunContext, table: string, by: string, value: unknown): Record<string, unknown> | undefined {
  const rows = run.reference.tables.get(table);
  if (!rows) return undefined;
  let indexes = byColumn.get(rows);
  if (!indexes) byColumn.set(rows, (indexes = new Map()));
  let index = indexes.get(by);
  if (!index) {
    index = new Map();
    for (const row of rows.values()) {
      const key = scalarText(row[by]);
      if (key !== undefined && !index.has(key)) index.set(key, row);
    }
    indexes.set(by, index);
  }
  return index.get(String(value));
}
