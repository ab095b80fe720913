import type { ReadinessCheck, ReadinessResult } from '../http/health-controller.js';
import type { AttemptStore, Reachability } from './attempt-store.js';
import type { OpsStore } from './ops-store.js';
import type { OldestApproval } from './ops-types.js';

/**
 * What the gateway itself should be getting on with, shown in /readyz as warnings without
 * failing it (the gateway is still ready: it keeps work in its outbox). Only what the gateway
 * can still move on its own warns: the national side unanswering, and an approval it has been
 * carrying (queued or in an open packet) for over a working day. People refused by
 * pre-validation or by the national side wait for a person, not for the gateway: a fresh demo
 * holds some on purpose. They are their own figure in the message (migration 011's
 * failing_versions), never a warning. The signing certificate's expiry within 30 days is the
 * signing step's own check (src/app/signing-step.ts).
 */
export const UNREACHABLE_AFTER_MS = 15 * 60_000;

export interface OpsWarningInputs {
  reachability: Reachability;
  /** The oldest outstanding approval: queued or in an open packet, still the person's latest. */
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
      warnings.push(`an approval of ${i.oldest.approvedAt.toISOString()} is still on its way after ${days} working days: see csdl-gateway tx summary`);
    }
  }
  return warnings;
}

/** Pure: the message, with the failing figure (a count, nobody named) when there is one. */
export function opsMessage(warnings: number, failing: number): string {
  const refused = `${failing} record version(s) refused, waiting for a person (csdl-gateway tx records --failing)`;
  if (warnings) return failing ? `${warnings} warning(s); ${refused}` : `${warnings} warning(s)`;
  return failing ? `${refused}; nothing else to act on` : 'nothing to act on';
}

export function opsReadiness(deps: {
  ops: Pick<OpsStore, 'oldestOutstanding' | 'failingCount'>;
  attempts: Pick<AttemptStore, 'reachability'>;
  workingDaysBetween: (from: Date, to: Date) => number;
  clock?: () => Date;
}): ReadinessCheck {
  return async function operations(): Promise<ReadinessResult> {
    const [reachability, oldest, failing] = await Promise.all([deps.attempts.reachability(), deps.ops.oldestOutstanding(), deps.ops.failingCount()]);
    const warnings = opsWarnings({ reachability, oldest, now: (deps.clock ?? (() => new Date()))(), workingDaysBetween: deps.workingDaysBetween });
    return { name: 'operations', ok: true, message: opsMessage(warnings.length, failing), ...(warnings.length ? { warning: warnings.join('; ') } : {}) };
  };
}
