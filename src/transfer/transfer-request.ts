import { AGENCY_CODE_PATTERN } from '../contract/national-contract.js';
import { addWorkingDays, isIsoDate, type WorkingCalendar } from '../calendar/working-calendar.js';
import { TransferError } from './transfer-error.js';
import { isSoDinhDanh } from '../contract/so-dinh-danh.js';
import { SOURCE_NAME } from '../sources/sources-file.js';

/**
 * A pull request as the CLI and the HTTP route receive it, checked before anything is looked
 * up or fetched. Pure.
 */
export interface PullRequest {
  soDinhDanh: string;
  /** Agency code of the receiving unit (DDD.DD.DD.Xnn). */
  receivingUnit: string;
  /** The transfer decision: its number and the date it takes effect. */
  decision?: { so?: string; ngayHieuLuc?: string };
  /**
   * A merged province's source to stage in, when the agency code is a unit of several sources
   * (transfer.unit_ambiguous); without it the source holding the unit is found.
   */
  receivingSource?: string;
  /** Stage the record even though the person is active in this province. */
  force?: boolean;
  /** A format preference sent as Accept; the national side may answer in the other. */
  accept?: 'json' | 'xml';
}

/** 10 working days to move the record after the decision takes effect (Trà Vinh regulation, Art. 10; domain.md). */
export const TRANSFER_DEADLINE_WORKING_DAYS = 10;

export function checkPullRequest(request: PullRequest): PullRequest {
  if (!isSoDinhDanh(request.soDinhDanh)) {
    throw new TransferError('transfer.bad_identity', 'the số định danh must be 12 digits (a 9-digit CMND is not accepted nationally)');
  }
  if (typeof request.receivingUnit !== 'string' || !AGENCY_CODE_PATTERN.test(request.receivingUnit)) {
    throw new TransferError('transfer.bad_unit', `the receiving unit must be an agency code DDD.DD.DD.Xnn, got '${String(request.receivingUnit)}'`);
  }
  const decision = request.decision as unknown;
  if (request.receivingSource !== undefined && (typeof request.receivingSource !== 'string' || !SOURCE_NAME.test(request.receivingSource))) {
    throw new TransferError('transfer.bad_request', `receivingSource must be a source name ([a-z0-9-]{1,32}), got '${String(request.receivingSource)}'`);
  }
  if (request.force !== undefined && typeof request.force !== 'boolean') {
    throw new TransferError('transfer.bad_request', 'force must be true or false');
  }
  if (decision !== undefined && (typeof decision !== 'object' || decision === null || Array.isArray(decision))) {
    throw new TransferError('transfer.bad_decision', 'the decision must be an object {so, ngayHieuLuc}');
  }
  if (request.decision !== undefined) {
    const decision = request.decision;
    if (decision.so !== undefined && (typeof decision.so !== 'string' || decision.so.trim() === '' || decision.so.length > 100)) {
      throw new TransferError('transfer.bad_decision', 'the decision number must be 1 to 100 characters');
    }
    if (decision.ngayHieuLuc !== undefined && (typeof decision.ngayHieuLuc !== 'string' || !isIsoDate(decision.ngayHieuLuc))) {
      throw new TransferError('transfer.bad_decision', `the decision's effective date must be a date YYYY-MM-DD, got '${String(decision.ngayHieuLuc)}'`);
    }
  }
  return request;
}

/** The deadline of a transfer, or undefined when no effective date is known. */
export function transferDeadline(decision: PullRequest['decision'], calendar: WorkingCalendar): string | undefined {
  return decision?.ngayHieuLuc === undefined ? undefined : addWorkingDays(decision.ngayHieuLuc, TRANSFER_DEADLINE_WORKING_DAYS, calendar);
}

/** The audit entry's purpose: the contract's purpose, and the decision when one is given. */
export function purposeOf(decision: PullRequest['decision']): string {
  const parts = ['transfer-in'];
  if (decision?.so) parts.push(`decision ${decision.so}`);
  if (decision?.ngayHieuLuc) parts.push(`effective ${decision.ngayHieuLuc}`);
  return parts.join('; ');
}

/**
 * The body of POST /api/transfers as a request, refusing a body that is not an object or has
 * keys the route does not know; the values are checked by checkPullRequest.
 */
export function pullRequestFromBody(body: unknown): PullRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new TransferError('transfer.bad_request', 'the body must be a JSON object {soDinhDanh, receivingUnit, receivingSource?, decision?, force?}');
  }
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !['soDinhDanh', 'receivingUnit', 'receivingSource', 'decision', 'force'].includes(k));
  if (unknown.length > 0) {
    throw new TransferError('transfer.bad_request', `unknown field(s): ${unknown.join(', ')}`, { details: unknown.map((k) => ({ path: `/${k}`, message: 'is not allowed' })) });
  }
  return {
    soDinhDanh: b.soDinhDanh as string,
    receivingUnit: b.receivingUnit as string,
    ...(b.decision === undefined ? {} : { decision: b.decision as PullRequest['decision'] }),
    ...(b.receivingSource === undefined ? {} : { receivingSource: b.receivingSource as string }),
    ...(b.force === undefined ? {} : { force: b.force as boolean }),
  };
}
