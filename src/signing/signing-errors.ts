import { GatewayError, type GatewayErrorOptions } from '../errors.js';

/**
 * Refusals of the local signing identity, raised at start-up ("refuse at start-up,
 * with a clear message"), or while signing when a token goes away. None is retryable on its
 * own: a person must fix the key material, the config, or put the token back (the next run
 * then signs what was left pending).
 */
export type SigningErrorCode =
  | 'signing.file_unreadable'
  | 'signing.bad_passphrase'
  | 'signing.unsupported_format'
  | 'signing.key_missing'
  | 'signing.cert_missing'
  | 'signing.key_unsupported'
  | 'signing.key_mismatch'
  | 'signing.cert_expired'
  | 'signing.cert_not_yet_valid'
  | 'signing.key_too_short'
  | 'signing.ou_mismatch'
  | 'signing.no_identity'
  | 'signing.trust_anchors_empty'
  | 'signing.bad_argument'
  /** A certificate whose DER lacks a field every X.509 certificate has. */
  | 'signing.cert_malformed'
  /** PKCS#11: the configuration or the token refuses; a person must act (pkcs11-errors.ts). */
  | 'signing.pkcs11_uri_invalid'
  | 'signing.pkcs11_module_not_found'
  | 'signing.token_not_found'
  | 'signing.pin_incorrect'
  | 'signing.pin_locked'
  | 'signing.key_not_found'
  | 'signing.cert_not_found'
  | 'signing.cert_key_mismatch'
  | 'signing.token_removed'
  | 'signing.token_error'
  /** A signer whose key is read on first need was used before it was ready (a caller's mistake). */
  | 'signing.not_ready';

export class SigningError extends GatewayError {
  declare readonly code: SigningErrorCode;

  constructor(code: SigningErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(code, message, { retryable: false, ...options });
  }
}

/**
 * Refusals of an incoming envelope. The codes are the national contract's wire codes
 * (contract README, "The signed envelope" and the 400/403 answers), so a simulator or the
 * share API can answer with `code` as is.
 */
export type EnvelopeErrorCode =
  | 'BAD_ENVELOPE'
  | 'SIGNATURE_INVALID'
  | 'CERT_NOT_TRUSTED'
  | 'CERT_EXPIRED'
  | 'SIGNER_MISMATCH';

export class EnvelopeError extends GatewayError {
  declare readonly code: EnvelopeErrorCode;

  constructor(code: EnvelopeErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(code, message, { retryable: false, status: code === 'BAD_ENVELOPE' ? 400 : 403, ...options });
  }
}
