import type { ActionAuditLog, AuditEntryInput } from '../audit/audit-entry.js';
import type { Db, Queryable } from '../db/db.js';
import type { Logger } from '../log/logger.js';
import type { StagingSpec } from '../mapping/mapping-types.js';
import { FIELD_GROUPS } from '../share/field-filter.js';
import type { PullClaimant } from './pull-claim.js';
import { stagedRecordHash } from './staged-record-hash.js';
import { DEFAULT_SOURCE } from '../sources/sources-file.js';
import { waitingRow } from './staging-writer.js';
import { lockUnfinished, markFailed, markStaged, unfinishedIds, type UnfinishedTransfer } from './transfer-store.js';

/**
 * Recovery of pulls that did not finish (docs/decisions/transferees.md, "A pull interrupted"):
 * a transfer left `requested` by a process that died, or whose claim expired, is finished when
 * the staging table holds the record the pull meant to stage (its hash recorded in `pending`),
 * and rolled back (`failed`, `transfer.interrupted`) otherwise. The transfer's change and its
 * audit entry commit together; the staged row is never touched (it stays the vendor's). Run at
 * start-up and whenever the transfers are listed or counted, so a stale `requested` transfer
 * is cleaned up once its claim has expired.
 */
export interface PullRecoveryDeps {
  store: Db;
  /**
   * The database and staging table of the source a transfer stages in (transfers.source):
   * undefined for a source no longer configured (its transfers are rolled back); throws when
   * the source is unreachable (its transfers are left for a later recovery).
   */
  placeOf(source: string): Promise<{ db: Queryable; staging: StagingSpec | undefined } | undefined>;
  audit: ActionAuditLog;
  claimant: PullClaimant;
  logger?: Logger | undefined;
}

export interface RecoveryOutcome {
  /** Transfer ids finished as staged. */
  finished: string[];
  /** Transfer ids rolled back to failed. */
  rolledBack: string[];
  /** Transfer ids left alone: their pull may still be running. */
  left: string[];
}

export const RECOVERY_ACTOR = { kind: 'system', name: 'transfer-recovery' } as const;

export async function recoverPulls(deps: PullRecoveryDeps): Promise<RecoveryOutcome> {
  const outcome: RecoveryOutcome = { finished: [], rolledBack: [], left: [] };
  for (const id of await unfinishedIds(deps.store)) {
    const done = await deps.store.transaction(async (tx) => {
      const t = await lockUnfinished(tx, id);
      if (!t) return undefined;
      if (!t.claimExpired && t.claimedBy !== undefined && deps.claimant.mayBeAlive(t.claimedBy)) return 'left' as const;
      let found: string | undefined;
      try {
        found = await stagedByThisPull(deps, t);
      } catch (err) {
        // Its source cannot be read now: whether the record was staged is unknown; a later recovery decides.
        deps.logger?.warn('an interrupted pull\'s source cannot be read; its recovery waits', { transfer: t.id, source: t.source, error: String(err) });
        return 'left' as const;
      }
      const entry: Omit<AuditEntryInput, 'outcome'> = {
        actor: RECOVERY_ACTOR, action: 'transfer.pull', people: [t.soDinhDanh], unit: t.receivingUnit,
        ...(t.source === DEFAULT_SOURCE ? {} : { source: t.source }),
        purpose: `recovery of an interrupted pull (transfer ${t.id})`,
      };
      if (found && t.pending) {
        const { recordSha256: _hash, signingTime, ...facts } = t.pending;
        await markStaged(tx, t.id, { ...facts, stagingId: found, signingTime: new Date(signingTime) });
        await deps.audit.appendWithin(tx, { ...entry, fieldGroups: [...FIELD_GROUPS], outcome: 'ok' });
        return 'finished' as const;
      }
      await markFailed(tx, t.id, { code: 'transfer.interrupted', message: 'the pull was interrupted before its record was staged; pull again' });
      await deps.audit.appendWithin(tx, { ...entry, outcome: 'error', code: 'transfer.interrupted' });
      return 'rolledBack' as const;
    });
    if (done) outcome[done].push(id);
  }
  if (outcome.finished.length + outcome.rolledBack.length > 0) {
    deps.logger?.warn('interrupted pulls recovered', { finished: outcome.finished.length, rolledBack: outcome.rolledBack.length });
  }
  return outcome;
}

/** The waiting row's id when it holds exactly the record the pull meant to stage. */
async function stagedByThisPull(deps: PullRecoveryDeps, t: UnfinishedTransfer): Promise<string | undefined> {
  if (!t.pending) return undefined;
  const place = await deps.placeOf(t.source);
  if (!place?.staging) return undefined;
  const row = await waitingRow(place.db, place.staging, t.soDinhDanh, t.receivingUnitId);
  return row && stagedRecordHash(row.record) === t.pending.recordSha256 ? row.id : undefined;
}
