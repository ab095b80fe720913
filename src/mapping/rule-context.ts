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
