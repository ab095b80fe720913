/**
 * The tally a mapping run reports: persons read, valid, invalid, and how many
 * invalid persons carry each error code (a person with two SCHEMA_INVALID problems counts once).
 */
export interface MapSummary {
  read: number;
  valid: number;
  invalid: number;
  byCode: Map<string, number>;
}

export function emptySummary(): MapSummary {
  return { read: 0, valid: 0, invalid: 0, byCode: new Map() };
}

/** Counts one mapped person (a MapResult or a MappedPerson). */
export function tally(summary: MapSummary, result: { ok: true } | { ok: false; errors: readonly { code: string }[] }): void {
  summary.read += 1;
  if (result.ok) {
    summary.valid += 1;
    return;
  }
  summary.invalid += 1;
  for (const code of new Set(result.errors.map((e) => e.code))) {
    summary.byCode.set(code, (summary.byCode.get(code) ?? 0) + 1);
  }
}

export function formatSummary(summary: MapSummary): string[] {
  const codes = [...summary.byCode].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return [
    `read ${summary.read}, valid ${summary.valid}, invalid ${summary.invalid}`,
    ...codes.map(([code, n]) => `  ${code}: ${n}`),
  ];
}
