import { GatewayError, type GatewayErrorOptions } from '../errors.js';

/**
 * The API's bearer tokens refusing, each with the HTTP status its answer carries:
 * - a presented token (401): auth.missing (none), auth.invalid (not a gateway token, or a
 *   header that is not "Bearer <token>"), auth.revoked, auth.expired, auth.unavailable (the
 *   gateway has no token store);
 * - a role (403): auth.forbidden, an auditor's token on an operator's route;
 * - managing tokens: tokens.name_invalid, tokens.role_invalid, tokens.expiry_invalid (400),
 *   tokens.name_taken (409: names stay taken after revocation), tokens.not_found (404).
 */
export type TokenErrorCode =
  | 'auth.missing'
  | 'auth.invalid'
  | 'auth.revoked'
  | 'auth.expired'
  | 'auth.unavailable'
  | 'auth.forbidden'
  | 'tokens.name_invalid'
  | 'tokens.role_invalid'
  | 'tokens.expiry_invalid'
  | 'tokens.name_taken'
  | 'tokens.not_found';

const STATUS: Readonly<Record<TokenErrorCode, number>> = {
  'auth.missing': 401,
  'auth.invalid': 401,
  'auth.revoked': 401,
  'auth.expired': 401,
  'auth.unavailable': 401,
  'auth.forbidden': 403,
  'tokens.name_invalid': 400,
  'tokens.role_invalid': 400,
  'tokens.expiry_invalid': 400,
  'tokens.name_taken': 409,
  'tokens.not_found': 404,
};

export class TokenError extends GatewayError {
  declare readonly code: TokenErrorCode;

  constructor(code: TokenErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(code, message, { status: STATUS[code], ...options });
  }
}
