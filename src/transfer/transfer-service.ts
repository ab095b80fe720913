import type { X509Certificate } from 'node:crypto';
import { failedOutcome, type ActionAuditLog, type AuditActor, type AuditEntryInput } from '../audit/audit-entry.js';
import { vietnamToday, workingDaysBetween, type WorkingCalendar } from '../calendar/working-calendar.js';
import { nationalContract, type NationalContract } from '../contract/national-contract.js';
import { createNationalValidator } from '../contract/record-validator.js';
import type { Db, Queryable } from '../db/db.js';
import { isGatewayError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { CompiledMapping } from '../mapping/mapping-compiler.js';
import type { MappingProblem } from '../mapping/mapping-types.js';
import { reverseMap } from '../mapping/person-mapper.js';
import type { NdxpClient } from '../ndxp/ndxp-client.js';
import { FIELD_GROUPS } from '../share/field-filter.js';
import { readReference } from '../source/person-reader.js';
import { fetchTrustedRecord, type NationalRecordDeps } from './national-record.js';
import { processClaimant, type PullClaimant } from './pull-claim.js';
import { recoverPulls, type RecoveryOutcome } from './pull-recovery.js';
import { stagedRecordHash } from './staged-record-hash.js';
import { activeIn, locateReceivingUnit, type PullSource, type ReceivingPlace } from './pull-sources.js';
import { stageRecord, stagingStates } from './staging-writer.js';
import { DEFAULT_SOURCE } from '../sources/sources-file.js';
import { SOURCE_REMOVED } from '../sources/sources-error.js';
import { storableText } from '../audit/storable-text.js';
import { TransferError } from './transfer-error.js';
import { checkPullRequest, purposeOf, transferDeadline, type PullRequest } from './transfer-request.js';
import { isSoDinhDanh } from '../contract/so-dinh-danh.js';
import type { OnProgress } from '../progress/progress.js';
import {
  countOverdue, listTransfers, markCancelled, markClosed, markFailed, markStaged, openTransfer, recordPending, stagedOpenTransfers, transferById, type TransferRow,
} from './transfer-store.js';

/**
 * The named steps of a pull, each reached once its writes have committed: `requested` (the
 * transfer and its entry), `verified` (the verified facts kept in `pending`), `staged` (the
 * vendor's staging row), `finished` (the transfer staged, with its entry).
 */
export type PullStep = 'requested' | 'verified' | 'staged' | 'finished';
export const PULL_STEPS: readonly PullStep[] = ['requested', 'verified', 'staged', 'finished'];

/** How long a pull's claim on its transfer holds by default (docs/decisions/transferees.md). */
export const DEFAULT_CLAIM_SECONDS = 15 * 60;

/**
 * Transferees (domain.md, "Transfers"): pull an official's national record for a receiving
 * unit and stage it in the vendor's staging table (the mapping's `staging`), and list the transfers with their
 * deadlines. The order of a pull is the invariant: every check that needs no national call
 * (the số định danh, the unit, ALREADY_ACTIVE) comes first; the provincial database is written
 * only after the envelope verified and the record decoded, checked and mapped. Every call,
 * refusals included, appends one audit entry (Luật 91/2025/QH15).
 */
export interface TransferServiceDeps {
  store: Db;
  /** The one provincial database and its mapping (source `default`), when `sources` is not given. */
  source: Db;
  national: Pick<NdxpClient, 'pullOfficial'>;
  trustAnchors: X509Certificate[];
  mapping: CompiledMapping;
  /**
   * A merged province's sources (SOURCES_FILE): the receiving unit is looked up in each one's
   * unit tree and the record staged in the source holding it (pull-sources.ts); a transfer
   * then shows its source. Without it, the one source `default` over `source` and `mapping`.
   */
  sources?: readonly PullSource[];
  calendar: WorkingCalendar;
  /** Entries of a pull commit with the transfer's change (`appendWithin`). */
  audit: ActionAuditLog;
  contract?: NationalContract;
  /**
   * How long a pull's claim on its transfer holds (default 15 minutes): past it, recovery
   * takes a `requested` transfer over even when its process cannot be known dead.
   */
  claimSeconds?: number;
  /** Who this process is, for claims (default: host, pid and a fresh instance id). */
  claimant?: PullClaimant;
  /**
   * Called after each step of a pull has committed. For tests only: the kill tests stop the
   * process here (compose/transfer-edges.ts, CSDL_GATEWAY_TEST_KILL_AT).
   */
  afterStep?: (step: PullStep) => Promise<void> | void;
  /** The clock of signatures (signingTime is checked against it). */
  now?: () => Date;
  /** Today's date in Vietnam, for deadlines; default from `now`. */
  today?: () => string;
  logger?: Logger;
}

export interface CallContext {
  actor: AuditActor;
  requestId?: string;
}

export interface TransferView extends Omit<TransferRow, 'source'> {
  /** The source the record is staged in: a merged province's only (a one-database province's transfers look as before). */
  source?: string;
  /**
   * Why an open transfer cannot move on its own: `sources.source_removed`, its source is no
   * longer in the sources file, so its staged row is not read; an operator cancels it.
   */
  stalled?: { code: string; message: string };
  overdue: boolean;
  /** Working days from today to the deadline (negative once past) for an open transfer with a deadline. */
  workingDaysLeft: number | undefined;
}

export interface PullOutcome {
  transfer: TransferView;
  /** `table` and `status`: the vendor's staging table and the waiting status the row has (the mapping's `staging`). */
  staged: { id: string; refreshed: boolean; table: string; status: string; format: 'json' | 'xml'; hoSo: Record<string, unknown> };
  /** The reverse mapping's warnings and the national rules' findings: the unit reviews these. */
  warnings: MappingProblem[];
}

export function createTransferService(deps: TransferServiceDeps) {
  const now = deps.now ?? (() => new Date());
  const today = deps.today ?? (() => vietnamToday(now()));
  const contract = deps.contract ?? nationalContract();
  const claimant = deps.claimant ?? processClaimant();
  const merged = deps.sources !== undefined;
  const sources: readonly PullSource[] = deps.sources ?? [{ name: DEFAULT_SOURCE, mapping: () => deps.mapping, db: () => Promise.resolve(deps.source) }];
  const sourceNamed = (name: string): PullSource | undefined => sources.find((s) => s.name === name);
  const recovery = {
    store: deps.store, audit: deps.audit, claimant, logger: deps.logger,
    async placeOf(name: string) {
      const source = sourceNamed(name);
      return source ? { db: await source.db(), staging: source.mapping().staging } : undefined;
    },
  };
  const claimSeconds = deps.claimSeconds ?? DEFAULT_CLAIM_SECONDS;
  const records: NationalRecordDeps = {
    national: deps.national, trustAnchors: deps.trustAnchors, contract, validator: createNationalValidator(contract), now,
  };

  /** A one-database province's transfers show no source, as before there were several. */
  function view(full: TransferRow, today: string): TransferView {
    const { source: _source, ...rest } = full;
    const row: Omit<TransferRow, 'source'> & { source?: string } = merged ? full : rest;
    const open = isOpen(full);
    const left = open && row.deadline !== undefined ? workingDaysBetween(today, row.deadline, deps.calendar) : undefined;
    const stalled = open && isRemoved(full) ? { stalled: removedStall(full.source) } : {};
    return { ...row, overdue: open && row.deadline !== undefined && row.deadline < today, workingDaysLeft: left, ...stalled };
  }

  /** A merged province's transfer whose source the sources file no longer lists: nobody reads its staged row. */
  function isRemoved(row: TransferRow): boolean {
    return merged && sourceNamed(row.source) === undefined;
  }

  async function appendRefusal(ctx: CallContext, entry: Omit<AuditEntryInput, 'actor' | 'outcome'>, err: unknown): Promise<void> {
    const failed = failedOutcome(err, 'internal');
    try {
      await deps.audit.append({ ...entry, actor: ctx.actor, ...(ctx.requestId ? { requestId: ctx.requestId } : {}), ...failed });
    } catch (auditErr) {
      deps.logger?.error('audit entry of a refused pull was not written', { code: failed.code, error: String(auditErr) });
    }
  }

  async function audited<T>(ctx: CallContext, entry: Omit<AuditEntryInput, 'actor' | 'outcome'>, work: () => Promise<T>, ok: (value: T) => Partial<AuditEntryInput>): Promise<T> {
    const base = { ...entry, actor: ctx.actor, ...(ctx.requestId ? { requestId: ctx.requestId } : {}) };
    let value: T;
    try {
      value = await work();
    } catch (err) {
      const failed = failedOutcome(err, 'internal');
      const code = failed.code;
      try {
        await deps.audit.append({ ...base, ...failed });
      } catch (auditErr) {
        deps.logger?.error('audit entry of a failed transfer call was not written', { code, error: String(auditErr) });
      }
      throw err;
    }
    await deps.audit.append({ ...base, ...ok(value), outcome: 'ok' });
    return value;
  }

  /** A pull's steps, for its progress: the unit, the already-active check, the national record fetched and verified, mapped, staged. */
  const PULL_PROGRESS_STEPS = 5;

  async function pullChecked(request: PullRequest, ctx: CallContext, located: { source?: string }, progress?: OnProgress): Promise<PullOutcome> {
    let steps = 0;
    const step = (): void => progress?.({ done: (steps += 1), total: PULL_PROGRESS_STEPS });
    const { soDinhDanh, receivingUnit, decision, receivingSource } = checkPullRequest(request);
    const place: ReceivingPlace = await locateReceivingUnit(sources, receivingUnit, receivingSource);
    if (merged) located.source = place.source;
    const { unit, staging, mapping, db: source } = place;
    if (!unit.active) {
      const successor = unit.successor ? `; its successor is ${unit.successor}` : '';
      throw new TransferError('transfer.unit_closed', `unit ${receivingUnit} is closed (reorganisation)${successor}`);
    }
    step();
    // Active in any source of the province is active here: a merged province is one employer.
    const active = request.force ? [] : await activeIn(sources, soDinhDanh);
    if (active.length > 0) {
      const where = merged ? `in source ${active.join(', ')}` : `(${mapping.source.persons.table}, staging.active)`;
      throw new TransferError('transfer.already_active', `the person is already active in this province ${where}; force the pull to stage the record anyway`);
    }
    step();
    const { actor } = ctx;
    const base = {
      actor, people: [soDinhDanh], unit: receivingUnit, purpose: purposeOf(request.decision),
      // A one-database province's entries are as before (its source is `default` by the column's default).
      ...(merged ? { source: place.source } : {}),
      ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
    };
    // The intent first: the transfer (claimed by this process) and its entry commit together,
    // before the national side is called.
    const transfer = await deps.store.transaction(async (tx) => {
      const row = await openTransfer(tx, {
        claim: { by: claimant.id, seconds: claimSeconds },
        soDinhDanh, receivingUnit, receivingUnitId: unit.id, source: place.source,
        decisionNo: decision?.so, decisionEffective: decision?.ngayHieuLuc, deadline: transferDeadline(decision, deps.calendar),
        actor,
      });
      if (!row) throw new TransferError('transfer.in_progress', 'another pull of this person for this unit is under way; try again once it has finished');
      await deps.audit.appendWithin(tx, { ...base, action: 'transfer.request', outcome: 'ok' });
      return row;
    });
    await deps.afterStep?.('requested');
    try {
      const trusted = await fetchTrustedRecord(records, soDinhDanh, receivingUnit, request.accept);
      step();
      const reference = await readReference(source, mapping);
      const reversed = reverseMap(mapping, trusted.record, reference);
      // The person joins the receiving unit: that is their unit once taken in (staging.recordUnit).
      // The record's donViSuDung names the unit they leave, usually of another province, with no vendor id.
      const hoSo = staging.recordUnit ? { ...reversed.hoSo, [staging.recordUnit]: unit.key } : reversed.hoSo;
      step();
      const warnings = [...reversed.warnings.filter((w) => w.path !== `/${staging.recordUnit ?? ''}`), ...trusted.ruleWarnings];
      const facts = {
        format: trusted.verified.format, payloadSha256: trusted.verified.payloadSha256,
        signer: trusted.verified.signer.fingerprint, signingTime: trusted.verified.signingTime, warnings,
      };
      const kept = await recordPending(deps.store, transfer.id, claimant.id, {
        ...facts, signingTime: facts.signingTime.toISOString(), recordSha256: stagedRecordHash(JSON.parse(JSON.stringify(hoSo))),
      });
      if (!kept) throw lostClaim();
      await deps.afterStep?.('verified');
      const staged = await stageRecord(source, staging, {
        soDinhDanh, unitId: unit.id, hoSo, request: { decisionNo: decision?.so, decisionEffective: decision?.ngayHieuLuc, receivingUnit },
      });
      step();
      await deps.afterStep?.('staged');
      // The transfer's change and its entry commit together; the staged row is already in the
      // vendor's database, which recovery finds by its hash if this transaction never commits.
      const row = await deps.store.transaction(async (tx) => {
        const done = await markStaged(tx, transfer.id, { ...facts, stagingId: staged.id }, claimant.id);
        if (!done) throw lostClaim();
        await deps.audit.appendWithin(tx, { ...base, action: 'transfer.pull', fieldGroups: [...FIELD_GROUPS], outcome: 'ok' });
        return done;
      });
      await deps.afterStep?.('finished');
      return { transfer: view(row, today()), staged: { ...staged, table: staging.table, status: staging.statuses.waiting, format: trusted.verified.format, hoSo }, warnings };
    } catch (err) {
      const code = isGatewayError(err) ? err.code : 'internal';
      if (code !== 'transfer.interrupted') {
        try {
          await deps.store.transaction(async (tx) => {
            if (await markFailed(tx, transfer.id, { code, message: err instanceof Error ? err.message : String(err) }, claimant.id)) {
              await deps.audit.appendWithin(tx, { ...base, action: 'transfer.pull', ...failedOutcome(err, 'internal') });
            }
          });
        } catch (storeErr) {
          // The transfer stays `requested`: recovery rolls it back once the claim has expired.
          deps.logger?.error('a failed pull could not be recorded; recovery will roll it back', { code, error: String(storeErr) });
        }
      }
      throw new PullFailure(err);
    }
  }

  function lostClaim(): TransferError {
    return new TransferError('transfer.interrupted', 'this pull\'s claim expired and recovery took the transfer over; pull again');
  }

  return {
    /** Pulls, verifies, maps and stages one transferee's record; audited as `transfer.pull`. */
    async pull(request: PullRequest, ctx: CallContext, progress?: OnProgress): Promise<PullOutcome> {
      const located: { source?: string } = {};
      try {
        return await pullChecked(request, ctx, located, progress);
      } catch (err) {
        if (err instanceof PullFailure) throw err.cause;
        // Refused before the transfer was opened: nothing was written, the refusal gets its entry.
        await appendRefusal(ctx, {
          action: 'transfer.pull',
          people: isSoDinhDanh(request.soDinhDanh) ? [request.soDinhDanh] : [],
          ...(typeof request.receivingUnit === 'string' ? { unit: request.receivingUnit } : {}),
          purpose: purposeOf(request.decision),
          ...(located.source !== undefined ? { source: located.source } : {}),
        }, err);
        throw err;
      }
    },

    /**
     * Closes, as `cancelled`, an open transfer whose source was removed from the sources file:
     * its staged row lives in a database the gateway no longer reads, so it would never close
     * otherwise. The row keeps `sources.source_removed`; the change and its `transfer.cancel`
     * entry (with the reason and the source) commit together. A transfer of a listed source
     * closes as the vendor's software answers, and is refused (`transfer.not_cancellable`).
     */
    async cancel(id: string, reason: string, ctx: CallContext): Promise<TransferView> {
      const why = typeof reason === 'string' ? storableText(reason.trim()) : '';
      const entry: Omit<AuditEntryInput, 'actor' | 'outcome'> & { people: string[] } = { action: 'transfer.cancel', purpose: why, people: [] };
      try {
        if (why === '') throw new TransferError('transfer.bad_request', 'cancelling a transfer needs a reason (kept in the audit log)');
        const row = await transferById(deps.store, id);
        if (!row) throw new TransferError('transfer.unknown_id', `no transfer ${id} (không có yêu cầu tiếp nhận ${id})`);
        entry.people = [row.soDinhDanh];
        if (merged || row.source !== DEFAULT_SOURCE) entry.source = row.source;
        if (!isOpen(row)) throw new TransferError('transfer.not_cancellable', `transfer ${id} is ${row.status}: it is closed already (đã đóng)`);
        if (!isRemoved(row)) {
          throw new TransferError('transfer.not_cancellable',
            `transfer ${id} is staged in a source the gateway reads: it closes when the vendor's software takes the staged row in or declines it (nguồn vẫn đang được đọc)`);
        }
        const stall = removedStall(row.source);
        const closed = await deps.store.transaction(async (tx) => {
          const done = await markCancelled(tx, id, stall);
          if (!done) throw new TransferError('transfer.not_cancellable', `transfer ${id} closed meanwhile (đã đóng)`);
          await deps.audit.appendWithin(tx, { ...entry, actor: ctx.actor, ...(ctx.requestId ? { requestId: ctx.requestId } : {}), outcome: 'ok' });
          return done;
        });
        return view(closed, today());
      } catch (err) {
        await appendRefusal(ctx, entry, err);
        throw err;
      }
    },

    /** Finishes or rolls back every pull a dead process left, and any whose claim expired; run at start-up. */
    recover(): Promise<RecoveryOutcome> {
      return recoverPulls(recovery);
    },

    /**
     * The transfers, newest first (only the overdue ones with `overdue`), after taking in what
     * the vendor's software did with the staged rows; audited as `transfer.list`.
     */
    list(filter: { overdue?: boolean }, ctx: CallContext): Promise<TransferView[]> {
      return audited(ctx, { action: 'transfer.list', purpose: filter.overdue ? 'overdue transfers' : 'transfers' }, async () => {
        await reconcile();
        const day = today();
        const rows = await listTransfers(deps.store, filter.overdue ? { overdueOn: day } : {});
        return rows.map((r) => view(r, day));
      }, (views) => ({ people: [...new Set(views.map((v) => v.soDinhDanh))] }));
    },

    /** Overdue transfer ids and deadlines, for /readyz: no personal data. */
    async overdue(): Promise<{ id: string; deadline: string }[]> {
      await reconcile();
      const rows = await listTransfers(deps.store, { overdueOn: today() });
      return rows.map((r) => ({ id: r.id, deadline: r.deadline ?? '' }));
    },
  };

  /**
   * Pulls left unfinished are recovered (a stale `requested` transfer is cleaned up once its
   * claim expired), then a staged row the vendor's software took in or declined
   * (staging.statuses) closes its transfer.
   */
  async function reconcile(): Promise<void> {
    await recoverPulls(recovery);
    const open = await stagedOpenTransfers(deps.store);
    for (const source of sources) {
      const staging = source.mapping().staging;
      const mine = open.filter((o) => o.source === source.name);
      if (!staging || mine.length === 0) continue;
      let states: Map<string, string>;
      try {
        states = await stagingStates(await source.db(), staging, mine.map((o) => o.stagingId));
      } catch (err) {
        // One unreachable source does not hide the others' answers; its transfers stay open until it is back.
        deps.logger?.warn('the staged rows of a source cannot be read; its transfers stay open', { source: source.name, error: String(err) });
        continue;
      }
      for (const o of mine) {
        const state = states.get(o.stagingId);
        if (state === staging.statuses.takenIn) await markClosed(deps.store, o.id, 'taken_in');
        else if (state === staging.statuses.declined) await markClosed(deps.store, o.id, 'declined');
      }
    }
  }
}

export type TransferService = ReturnType<typeof createTransferService>;

function isOpen(row: TransferRow): boolean {
  return row.status === 'requested' || row.status === 'staged' || row.status === 'failed';
}

function removedStall(source: string): { code: string; message: string } {
  return {
    code: SOURCE_REMOVED,
    message: `its source '${source}' is no longer in the sources file: the staged row is not read, so the transfer does not close on its own; cancel it (nguồn '${source}' đã bị gỡ khỏi tệp nguồn)`,
  };
}

/** A pull that failed after its transfer was opened: its entry is already written with the transfer's change. */
class PullFailure extends Error {
  constructor(override readonly cause: unknown) {
    super('pull failed after its transfer was opened');
  }
}

/** Open transfers past their deadline today (Vietnam time): for /metrics. */
export function overdueTransfers(db: Queryable, now: Date = new Date()): Promise<number> {
  return countOverdue(db, vietnamToday(now));
}
