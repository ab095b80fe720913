import type { Queryable } from '../db/db.js';
import type { AuditActor } from '../audit/audit-entry.js';

/**
 * The gateway's record of transfer requests (migration 007): one open row per person and
 * receiving unit, moving requested -> staged | failed, and closed as taken_in or declined
 * once the vendor's software has dealt with the staged row. SQL only; the service decides.
 */
export type TransferStatus = 'requested' | 'staged' | 'failed' | 'taken_in' | 'declined' | 'cancelled';

export const OPEN_STATUSES: readonly TransferStatus[] = ['requested', 'staged', 'failed'];

export interface TransferRow {
  id: string;
  soDinhDanh: string;
  receivingUnit: string;
  receivingUnitId: string;
  /** The source whose database holds the receiving unit and the staged row ('default' for one database). */
  source: string;
  decision: { so?: string; ngayHieuLuc?: string };
  deadline: string | undefined;
  status: TransferStatus;
  requestedBy: AuditActor;
  requestedAt: string;
  updatedAt: string;
  pulls: number;
  stagingId: string | undefined;
  stagedAt: string | undefined;
  closedAt: string | undefined;
  format: 'json' | 'xml' | undefined;
  warnings: unknown[];
  error: { code: string; message: string } | undefined;
}

export interface OpenTransfer {
  /** Who carries the pull on (pull-claim.ts) and until when the claim holds. */
  claim: { by: string; seconds: number };
  soDinhDanh: string;
  receivingUnit: string;
  receivingUnitId: string;
  /** The source the record is staged in. */
  source: string;
  decisionNo: string | undefined;
  decisionEffective: string | undefined;
  deadline: string | undefined;
  actor: AuditActor;
}

export interface StagedFacts {
  stagingId: string;
  format: 'json' | 'xml';
  payloadSha256: string;
  signer: string;
  signingTime: Date;
  warnings: unknown[];
}

/** What a pull verified before it writes the staging table: recovery finishes the transfer with these. */
export interface PendingFacts extends Omit<StagedFacts, 'stagingId' | 'signingTime'> {
  signingTime: string;
  /** SHA-256 of the record as staged (staged-record-hash.ts): tells this pull's staged row from an earlier one. */
  recordSha256: string;
}

/** A transfer some pull left `requested`, with what recovery needs to finish or roll it back. */
export interface UnfinishedTransfer {
  id: string;
  soDinhDanh: string;
  receivingUnit: string;
  receivingUnitId: string;
  source: string;
  claimedBy: string | undefined;
  claimExpired: boolean;
  pulls: number;
  stagingId: string | undefined;
  pending: PendingFacts | undefined;
  requestedBy: AuditActor;
}

const COLUMNS = `id, so_dinh_danh, receiving_unit, receiving_unit_id, source, decision_no,
  to_char(decision_effective, 'YYYY-MM-DD') AS decision_effective, to_char(deadline, 'YYYY-MM-DD') AS deadline,
  status, requested_by_kind, requested_by, requested_at, updated_at, pulls, staging_id, staged_at, closed_at,
  payload_format, warnings, error_code, error_message`;

type Row = Record<string, unknown>;

const iso = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : new Date(v as string).toISOString());
const opt = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));

function toTransfer(r: Row): TransferRow {
  const decisionNo = opt(r.decision_no);
  const effective = opt(r.decision_effective);
  return {
    id: String(r.id),
    soDinhDanh: String(r.so_dinh_danh),
    receivingUnit: String(r.receiving_unit),
    receivingUnitId: String(r.receiving_unit_id),
    source: String(r.source),
    decision: { ...(decisionNo ? { so: decisionNo } : {}), ...(effective ? { ngayHieuLuc: effective } : {}) },
    deadline: opt(r.deadline),
    status: r.status as TransferStatus,
    requestedBy: { kind: r.requested_by_kind as AuditActor['kind'], name: String(r.requested_by) },
    requestedAt: iso(r.requested_at) as string,
    updatedAt: iso(r.updated_at) as string,
    pulls: Number(r.pulls),
    stagingId: opt(r.staging_id),
    stagedAt: iso(r.staged_at),
    closedAt: iso(r.closed_at),
    format: opt(r.payload_format) as TransferRow['format'],
    warnings: (r.warnings as unknown[] | null) ?? [],
    error: r.error_code ? { code: String(r.error_code), message: String(r.error_message ?? '') } : undefined,
  };
}

/**
 * Opens the person's transfer to the unit, or takes up the open one: a repeat pull is the same
 * transfer (its count goes up; a decision given now replaces the one kept).
 */
export async function openTransfer(q: Queryable, t: OpenTransfer): Promise<TransferRow | undefined> {
  const res = await q.query(
    `INSERT INTO csdl_gateway.transfers AS t (so_dinh_danh, receiving_unit, receiving_unit_id, decision_no,
       decision_effective, deadline, status, requested_by_kind, requested_by, claimed_by, claim_expires, source)
     VALUES ($1, $2, $3, $4, $5, $6, 'requested', $7, $8, $9, now() + make_interval(secs => $10::double precision), $11)
     ON CONFLICT (so_dinh_danh, receiving_unit, source) WHERE status IN ('requested', 'staged', 'failed') DO UPDATE SET
       receiving_unit_id = EXCLUDED.receiving_unit_id,
       decision_no = coalesce(EXCLUDED.decision_no, t.decision_no),
       decision_effective = coalesce(EXCLUDED.decision_effective, t.decision_effective),
       deadline = coalesce(EXCLUDED.deadline, t.deadline),
       status = 'requested', requested_by_kind = EXCLUDED.requested_by_kind, requested_by = EXCLUDED.requested_by,
       pulls = t.pulls + 1, updated_at = now(), error_code = NULL, error_message = NULL,
       claimed_by = EXCLUDED.claimed_by, claim_expires = EXCLUDED.claim_expires, pending = NULL
     WHERE t.status <> 'requested' OR t.claim_expires IS NULL OR t.claim_expires < now()
     RETURNING ${COLUMNS}`,
    [t.soDinhDanh, t.receivingUnit, t.receivingUnitId, t.decisionNo ?? null, t.decisionEffective ?? null, t.deadline ?? null,
      t.actor.kind, t.actor.name, t.claim.by, t.claim.seconds, t.source],
  );
  // No row: another pull of the same person and unit holds a live claim.
  const row = res.rows[0] as Row | undefined;
  return row ? toTransfer(row) : undefined;
}

/** Keeps what the pull verified, before it writes the staging table; only while its claim is the transfer's. */
export async function recordPending(q: Queryable, id: string, claimedBy: string, facts: PendingFacts): Promise<boolean> {
  const res = await q.query(
    `UPDATE csdl_gateway.transfers SET pending = $3::jsonb, updated_at = now()
      WHERE id = $1 AND status = 'requested' AND claimed_by = $2`,
    [id, claimedBy, JSON.stringify(facts)],
  );
  return (res.rowCount ?? 0) === 1;
}

/**
 * The pull's end: staged. With `claimedBy`, only while that claim is the transfer's (a pull
 * that lost it to recovery changes nothing); undefined when it no longer is.
 */
export async function markStaged(q: Queryable, id: string, facts: StagedFacts, claimedBy?: string): Promise<TransferRow | undefined> {
  const res = await q.query(
    `UPDATE csdl_gateway.transfers SET status = 'staged', staging_id = $2, staged_at = now(), updated_at = now(),
       payload_format = $3, payload_sha256 = $4, signer = $5, signing_time = $6, warnings = $7::jsonb,
       error_code = NULL, error_message = NULL, claimed_by = NULL, claim_expires = NULL, pending = NULL
     WHERE id = $1 AND status = 'requested' AND ($8::text IS NULL OR claimed_by = $8) RETURNING ${COLUMNS}`,
    [id, facts.stagingId, facts.format, facts.payloadSha256, facts.signer, facts.signingTime, JSON.stringify(facts.warnings), claimedBy ?? null],
  );
  const row = res.rows[0] as Row | undefined;
  return row ? toTransfer(row) : undefined;
}

/** The pull's end: failed (the transfer stays open). With `claimedBy`, only while that claim is the transfer's. */
export async function markFailed(q: Queryable, id: string, error: { code: string; message: string }, claimedBy?: string): Promise<boolean> {
  const res = await q.query(
    `UPDATE csdl_gateway.transfers SET status = 'failed', updated_at = now(), error_code = $2, error_message = $3,
       claimed_by = NULL, claim_expires = NULL, pending = NULL
     WHERE id = $1 AND status = 'requested' AND ($4::text IS NULL OR claimed_by = $4)`,
    [id, error.code, error.message, claimedBy ?? null],
  );
  return (res.rowCount ?? 0) === 1;
}

/** A transfer left `requested`, locked for the caller's transaction; undefined when it is not, or another recovery holds it. */
export async function lockUnfinished(q: Queryable, id: string): Promise<UnfinishedTransfer | undefined> {
  const res = await q.query(
    `SELECT id, so_dinh_danh, receiving_unit, receiving_unit_id, source, claimed_by, pulls, staging_id, pending,
            requested_by_kind, requested_by, (claim_expires IS NULL OR claim_expires < now()) AS expired
       FROM csdl_gateway.transfers WHERE id = $1 AND status = 'requested' FOR UPDATE SKIP LOCKED`,
    [id],
  );
  const r = res.rows[0] as Row | undefined;
  if (!r) return undefined;
  return {
    id: String(r.id), soDinhDanh: String(r.so_dinh_danh), receivingUnit: String(r.receiving_unit),
    receivingUnitId: String(r.receiving_unit_id), source: String(r.source), claimedBy: opt(r.claimed_by), claimExpired: r.expired === true,
    pulls: Number(r.pulls), stagingId: opt(r.staging_id), pending: (r.pending as PendingFacts | null) ?? undefined,
    requestedBy: { kind: r.requested_by_kind as AuditActor['kind'], name: String(r.requested_by) },
  };
}

/** Ids of the transfers left `requested`, oldest first. */
export async function unfinishedIds(q: Queryable): Promise<string[]> {
  const res = await q.query(`SELECT id FROM csdl_gateway.transfers WHERE status = 'requested' ORDER BY id`);
  return res.rows.map((r: Row) => String(r.id));
}

/** The vendor's software took the staged row in (or refused it): the transfer is over. */
export async function markClosed(q: Queryable, id: string, status: 'taken_in' | 'declined'): Promise<void> {
  await q.query(
    `UPDATE csdl_gateway.transfers SET status = $2, closed_at = now(), updated_at = now()
     WHERE id = $1 AND status IN ('requested', 'staged', 'failed')`,
    [id, status],
  );
}

/** One transfer by id, or undefined. */
export async function transferById(q: Queryable, id: string): Promise<TransferRow | undefined> {
  if (!/^[0-9]{1,18}$/.test(id)) return undefined;
  const res = await q.query(`SELECT ${COLUMNS} FROM csdl_gateway.transfers WHERE id = $1`, [id]);
  const row = res.rows[0] as Row | undefined;
  return row ? toTransfer(row) : undefined;
}

/** Closes an open transfer as `cancelled`, keeping why; undefined when it is no longer open. */
export async function markCancelled(q: Queryable, id: string, why: { code: string; message: string }): Promise<TransferRow | undefined> {
  const res = await q.query(
    `UPDATE csdl_gateway.transfers SET status = 'cancelled', closed_at = now(), updated_at = now(), error_code = $2, error_message = $3,
       claimed_by = NULL, claim_expires = NULL, pending = NULL
     WHERE id = $1 AND status IN ('requested', 'staged', 'failed') RETURNING ${COLUMNS}`,
    [id, why.code, why.message],
  );
  const row = res.rows[0] as Row | undefined;
  return row ? toTransfer(row) : undefined;
}

/** Every transfer, newest first; with `overdueOn`, only the open ones whose deadline is before that date. */
export async function listTransfers(q: Queryable, filter: { overdueOn?: string; limit?: number } = {}): Promise<TransferRow[]> {
  const where = filter.overdueOn === undefined ? '' : `WHERE status IN ('requested', 'staged', 'failed') AND deadline < $2::date`;
  const values: unknown[] = [filter.limit ?? 1000];
  if (filter.overdueOn !== undefined) values.push(filter.overdueOn);
  const res = await q.query(`SELECT ${COLUMNS} FROM csdl_gateway.transfers ${where} ORDER BY id DESC LIMIT $1`, values);
  return res.rows.map(toTransfer);
}

/** Open transfers with a staged row, to look up what the vendor did with it. */
export async function stagedOpenTransfers(q: Queryable): Promise<{ id: string; stagingId: string; source: string }[]> {
  const res = await q.query(
    `SELECT id, staging_id, source FROM csdl_gateway.transfers WHERE status IN ('requested', 'staged', 'failed') AND staging_id IS NOT NULL`,
  );
  return res.rows.map((r: Row) => ({ id: String(r.id), stagingId: String(r.staging_id), source: String(r.source) }));
}

export async function countOverdue(q: Queryable, today: string): Promise<number> {
  const res = await q.query<{ n: string }>(
    `SELECT count(*) AS n FROM csdl_gateway.transfers WHERE status IN ('requested', 'staged', 'failed') AND deadline < $1::date`,
    [today],
  );
  return Number(res.rows[0]?.n ?? 0);
}
