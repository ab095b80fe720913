import { CodedError } from '../errors.js';

/**
 * A refusal or failure of the sharing endpoint and of its clients' administration. Codes name
 * the part that refused:
 * - the caller (401): `share.token_missing`, `share.token_invalid`, `share.client_revoked`,
 *   `share.certificate_required`, `share.certificate_untrusted`, `share.certificate_mismatch`;
 * - the grant (403): `share.route_not_granted`, `share.unit_not_granted`,
 *   `share.field_group_not_granted`, `share.purpose_not_granted`;
 * - pace (429): `share.rate_limited`, `share.token_throttled`;
 * - nobody to serve (404): `share.official_not_found` (also for a person outside the client's
 *   units), `share.not_found` (a path under /share/v1 that names no route); 405
 *   `share.method_not_allowed`;
 * - the request (400): `share.purpose_missing`, `share.so_dinh_danh_invalid`,
 *   `share.agency_code_invalid`, `share.page_size_too_large`, `share.parameter_invalid`,
 *   `share.grant_type_unsupported`, `share.unsupported_charset`;
 * - the clients' administration: `share.client_invalid`, `share.client_exists`,
 *   `share.client_unknown`, `share.nothing_to_revoke`, `share.field_unplaced`;
 * - the gateway itself: `share.audit_unavailable` (no read without its audit entry),
 *   `share.unavailable` (503: the store restarting or out of reach), `share.internal`.
 */
export type ShareErrorCode =
  | 'share.token_missing'
  | 'share.token_invalid'
  | 'share.client_revoked'
  | 'share.certificate_required'
  | 'share.certificate_untrusted'
  | 'share.certificate_mismatch'
  | 'share.route_not_granted'
  | 'share.unit_not_granted'
  | 'share.field_group_not_granted'
  | 'share.purpose_not_granted'
  | 'share.rate_limited'
  | 'share.token_throttled'
  | 'share.official_not_found'
  | 'share.not_found'
  | 'share.method_not_allowed'
  | 'share.purpose_missing'
  | 'share.so_dinh_danh_invalid'
  | 'share.agency_code_invalid'
  | 'share.page_size_too_large'
  | 'share.parameter_invalid'
  | 'share.grant_type_unsupported'
  | 'share.unsupported_charset'
  | 'share.client_invalid'
  | 'share.client_exists'
  | 'share.client_unknown'
  | 'share.nothing_to_revoke'
  | 'share.field_unplaced'
  | 'share.audit_unavailable'
  | 'share.unavailable'
  | 'share.internal';

export class ShareError extends CodedError<ShareErrorCode> {}
