import { GatewayError, type GatewayErrorOptions } from '../errors.js';

/**
 * An operator's action refused, each with the HTTP status its route answers:
 * - ops.reason_required (400): every action needs a reason, kept in the audit log;
 * - ops.sync_running (409, retryable): a sync holds the lock; the action may be tried again;
 * - ops.not_retryable (409): the packet is neither pending nor failed with records to release;
 * - ops.person_not_found (404): the gateway never took in that số định danh (the reads' code too);
 * - ops.person_not_approved (409): the person's latest approval is not approved;
 * - ops.person_invalid (422): the person's data maps to an invalid record (details: why);
 * - ops.person_changed (409): the person's record now carries another số định danh;
 * - ops.resend_not_needed (409): a newer approval is due, which the next sync sends;
 * - ops.national_unavailable (503): no national client to send with;
 * - ops.gateway_running (409, the CLI's): the running gateway holds the sync lock, so the action
 *   goes through its API;
 * - ops.cmnd_not_declared (422): a lookup by CMND, and the mapping declares no CMND column;
 * - ops.source_unavailable (503): an explained lookup where no provincial database is wired;
 * - ops.conflict_not_found (404): no open conflict between sources for that số định danh;
 * - ops.source_not_in_conflict (400): the source named is not one of the conflict's sides;
 * - ops.sources_not_configured (409): the gateway reads one database: nothing to prefer.
 */
export type OpsActionErrorCode =
  | 'ops.reason_required'
  | 'ops.sync_running'
  | 'ops.not_retryable'
  | 'ops.person_not_found'
  | 'ops.person_not_approved'
  | 'ops.person_invalid'
  | 'ops.person_changed'
  | 'ops.resend_not_needed'
  | 'ops.national_unavailable'
  | 'ops.gateway_running'
  | 'ops.cmnd_not_declared'
  | 'ops.source_unavailable'
  | 'ops.conflict_not_found'
  | 'ops.source_not_in_conflict'
  | 'ops.sources_not_configured';

const STATUS: Readonly<Record<OpsActionErrorCode, number>> = {
  'ops.reason_required': 400,
  'ops.sync_running': 409,
  'ops.not_retryable': 409,
  'ops.person_not_found': 404,
  'ops.person_not_approved': 409,
  'ops.person_invalid': 422,
  'ops.person_changed': 409,
  'ops.resend_not_needed': 409,
  'ops.national_unavailable': 503,
  'ops.gateway_running': 409,
  'ops.cmnd_not_declared': 422,
  'ops.source_unavailable': 503,
  'ops.conflict_not_found': 404,
  'ops.source_not_in_conflict': 400,
  'ops.sources_not_configured': 409,
};

export class OpsActionError extends GatewayError {
  declare readonly code: OpsActionErrorCode;

  constructor(code: OpsActionErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(code, message, { status: STATUS[code], retryable: code === 'ops.sync_running', ...options });
  }
}
