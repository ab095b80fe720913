import type { ReadinessCheck, ReadinessResult } from '../http/health-controller.js';
import type { AttemptStore, Reachability } from './attempt-store.js';
import type { OpsStore } from './ops-store.js';
import type { OldestApproval } from './ops-types.js';

/**
 * What an operator should act on, shown in /readyz as warnings without failing it (the
 * gateway is still ready: it keeps work in its outbox). The signing certificate's expiry
 * within 30 days is the signing step's own check (src/app/signing-step.ts).
 */
export const UNREACHABLE_AFTER_MS = 15 * 60_000;

export interface OpsWarningInputs {
  reachability: Reachability;
  oldest: OldestApproval | undefined;
  now: Date;
  workingDaysBetween: (from: Date, to: Date) => number;
}

/** Pure: the warnings for what the store holds. */
export function opsWarnings(i: OpsWarningInputs): string[] {
  const warnings: string[] = [];
  const since = i.reachability.failingSince;
  if (since && i.now.getTime() - since.getTime() > UNREACHABLE_AFTER_MS) {
    const minutes = Math.floor((i.now.getTime() - since.getTime()) / 60_000);
    warnings.push(`the national side has not answered for ${minutes} min (every attempt since ${since.toISOString()} failed)`);
  }
  if (i.oldest) {
    const days = i.workingDaysBetween(i.oldest.approvedAt, i.now);
    if (days > 1) {
      // No person named: /readyz answers without a token.
      warnings.push(`an approval of ${i.oldest.approvedAt.toISOString()} is not accepted after ${days} working days: see csdl-gateway tx summary`);
    }
  }
  return warnings;
}

export function opsReadiness(deps: {
  ops: Pick<OpsStore, 'oldestUnaccepted'>;
  attempts: Pick<AttemptStore, 'reachability'>;
  workingDaysBetween: (from: Date, to: Date) => number;
  clock?: () => Date;
}): ReadinessCheck {
  return async function operations(): Promise<ReadinessResult> {
    const [reachability, oldest] = await Promise.all([deps.attempts.reachability(), deps.ops.oldestUnaccepted()]);
    const warnings = opsWarnings({ reachability, oldest, now: (deps.clock ?? (() => new Date()))(), workingDaysBetween: deps.workingDaysBetween });
    return { name: 'operations', ok: true, message: warnings.length ? `${warnings.length} warning(s)` : 'nothing to act on', ...(warnings.length ? { warning: warnings.join('; ') } : {}) };
  };
}
