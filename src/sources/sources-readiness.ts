import type { ReadinessCheck, ReadinessResult } from '../http/health-controller.js';
import type { OpsStore } from '../ops/ops-store.js';

/**
 * A merged province in /readyz (docs/merged-province.md): the sources the last sync could not
 * read, each named with why (the others went on: the gateway is still ready, so a warning),
 * and conflicts between sources left open for over a working day. No person is named: /readyz
 * answers without a token.
 */
export interface SourcesWarningInputs {
  /** The last finished sync's failed sources (its stored summary). */
  failed: { source: string; error: string }[];
  openConflicts: number;
  oldestOpenConflict: Date | undefined;
  now: Date;
  workingDaysBetween: (from: Date, to: Date) => number;
}

/** Pure. */
export function sourcesWarnings(i: SourcesWarningInputs): string[] {
  const warnings = i.failed.map((f) => `source ${f.source} could not be read by the last sync, its people wait: ${f.error}`);
  if (i.oldestOpenConflict && i.workingDaysBetween(i.oldestOpenConflict, i.now) > 1) {
    warnings.push(`${i.openConflicts} person(s) approved by two sources wait for an operator, the oldest since ${i.oldestOpenConflict.toISOString()}: csdl-gateway tx conflicts`);
  }
  return warnings;
}

function failedOf(summary: unknown): { source: string; error: string }[] {
  const failed = (summary as { sourcesFailed?: unknown } | null)?.sourcesFailed;
  return Array.isArray(failed) ? failed.filter((f): f is { source: string; error: string } => typeof f?.source === 'string' && typeof f?.error === 'string') : [];
}

export function sourcesReadiness(deps: {
  ops: Pick<OpsStore, 'lastSync' | 'conflicts'>;
  workingDaysBetween: (from: Date, to: Date) => number;
  clock?: () => Date;
}): ReadinessCheck {
  return async function sources(): Promise<ReadinessResult> {
    const [last, open] = await Promise.all([deps.ops.lastSync(), deps.ops.conflicts({})]);
    const oldest = open.length > 0 ? new Date(open[0]!.openedAt) : undefined;
    const warnings = sourcesWarnings({
      failed: failedOf(last?.summary), openConflicts: open.length, oldestOpenConflict: oldest,
      now: (deps.clock ?? (() => new Date()))(), workingDaysBetween: deps.workingDaysBetween,
    });
    const message = `${open.length} open conflict(s) between sources`;
    return { name: 'sources', ok: true, message, ...(warnings.length ? { warning: warnings.join('; ') } : {}) };
  };
}
