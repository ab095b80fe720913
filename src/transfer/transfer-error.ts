import { GatewayError, type GatewayErrorOptions } from '../errors.js';

/**
 * Refusals and failures of a transferee pull, each with its own code (style.md §4). The 4xx
 * are the caller's (bad input, a conflict, a person the national side does not hold) and are
 * decided before anything is written; the 5xx say which part of the national side failed.
 * Nothing is written to the provincial database in any of these cases.
 */
export type TransferErrorCode =
  | 'transfer.bad_identity'
  | 'transfer.bad_unit'
  | 'transfer.unit_unknown'
  | 'transfer.unit_closed'
  | 'transfer.unit_ambiguous'
  | 'transfer.source_unknown'
  | 'transfer.source_unavailable'
  | 'transfer.bad_decision'
  | 'transfer.bad_request'
  | 'transfer.already_active'
  | 'transfer.not_found'
  | 'transfer.national_refused'
  | 'transfer.untrusted_ca'
  | 'transfer.wrong_signer'
  | 'transfer.tampered'
  | 'transfer.bad_envelope'
  | 'transfer.cert_expired'
  | 'transfer.bad_record'
  | 'transfer.wrong_record'
  | 'transfer.timeout'
  | 'transfer.national_unavailable'
  | 'transfer.staging_unmapped'
  | 'transfer.in_progress'
  | 'transfer.interrupted'
  | 'transfer.not_cancellable'
  | 'transfer.unknown_id';

const STATUS: Readonly<Record<TransferErrorCode, number>> = {
  'transfer.bad_identity': 400,
  'transfer.bad_unit': 400,
  'transfer.unit_unknown': 400,
  'transfer.unit_closed': 400,
  // The agency code is a unit of two sources of a merged province: the caller names one.
  'transfer.unit_ambiguous': 409,
  'transfer.source_unknown': 400,
  // A source of a merged province is unreachable: where the unit is, or whether the person works there, cannot be known.
  'transfer.source_unavailable': 503,
  'transfer.bad_decision': 400,
  'transfer.bad_request': 400,
  'transfer.already_active': 409,
  'transfer.not_found': 404,
  'transfer.national_refused': 502,
  'transfer.untrusted_ca': 502,
  'transfer.wrong_signer': 502,
  'transfer.tampered': 502,
  'transfer.bad_envelope': 502,
  'transfer.cert_expired': 502,
  'transfer.bad_record': 502,
  'transfer.wrong_record': 502,
  'transfer.timeout': 504,
  'transfer.national_unavailable': 503,
  // The gateway's own mapping cannot stage: not the caller's fault, nothing was called or written.
  'transfer.staging_unmapped': 500,
  // Another pull of the same person and unit is under way (its claim holds): try again later.
  'transfer.in_progress': 409,
  // The pull lost its transfer to recovery (its claim expired): recovery finished or rolled it back.
  'transfer.interrupted': 503,
  // Only an open transfer whose source was removed from the sources file is cancelled by an operator:
  // one of a listed source closes when the vendor's software takes the staged row in or declines it.
  'transfer.not_cancellable': 409,
  // No transfer has this id (not the national side's "no record": transfer.not_found).
  'transfer.unknown_id': 404,
};

export class TransferError extends GatewayError {
  declare readonly code: TransferErrorCode;

  constructor(code: TransferErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(code, message, { status: STATUS[code], retryable: code === 'transfer.timeout' || code === 'transfer.national_unavailable' || code === 'transfer.source_unavailable', ...options });
  }

  /** Refused on its input, before anything was fetched (an ambiguous unit too: the caller names its source): the CLI's exit 2. */
  get isInputRefusal(): boolean {
    return this.status === 400 || this.code === 'transfer.unit_ambiguous';
  }
}
