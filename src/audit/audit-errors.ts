import { CodedError } from '../errors.js';

/**
 * The audit log refusing or failing:
 * - audit.invalid_entry: an entry without actor, action or a known outcome;
 * - audit.closed: appended after close;
 * - audit.append_failed: the batch's transaction failed; nothing of it is in the chain;
 * - audit.unavailable (503): no audit log yet, so no personal data is shown;
 * - audit.no_signer: a checkpoint without the province's key; audit.no_sender: its certificate
 *   has no OU; audit.checkpoint_invalid: a checkpoint's signature, signer or statement does not hold;
 * - refusals of a request (400): audit.bad_so_dinh_danh, audit.bad_since, audit.bad_limit,
 *   audit.bad_format, audit.bad_query.
 */
export type AuditErrorCode =
  | 'audit.invalid_entry'
  | 'audit.closed'
  | 'audit.append_failed'
  | 'audit.unavailable'
  | 'audit.no_signer'
  | 'audit.no_sender'
  | 'audit.checkpoint_invalid'
  | 'audit.bad_so_dinh_danh'
  | 'audit.bad_since'
  | 'audit.bad_limit'
  | 'audit.bad_format'
  | 'audit.bad_query';

export class AuditError extends CodedError<AuditErrorCode> {}
