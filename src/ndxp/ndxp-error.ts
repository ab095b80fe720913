import { GatewayError, type GatewayErrorOptions } from '../errors.js';

/**
 * What went wrong talking to NDXP. The code says which outcome (style.md §4): an HTTP status
 * (`ndxp.http_503`), a network failure (`ndxp.reset`, `ndxp.refused`, `ndxp.timeout`,
 * `ndxp.network`), an answer the contract does not allow (`ndxp.bad_response`), the token
 * endpoint refusing our credentials (`ndxp.auth_failed`), or a receipt still pending when
 * polling gave up (`ndxp.receipt_pending`). `retryable` comes from the retry table
 * (retry-policy.ts) so the outbox can tell "try the same bytes later" from "mark failed".
 */
export type NdxpErrorCode =
  | `ndxp.http_${number}`
  | 'ndxp.timeout'
  | 'ndxp.reset'
  | 'ndxp.refused'
  | 'ndxp.network'
  | 'ndxp.bad_response'
  | 'ndxp.auth_failed'
  | 'ndxp.receipt_pending';

export type NdxpOperation = 'token' | 'push' | 'receipt' | 'pull';

export interface NdxpErrorOptions extends GatewayErrorOptions {
  /** The national side's code from the answer body (`PACKET_CONFLICT`, `SCHEMA_INVALID`...). */
  nationalCode?: string;
  httpStatus?: number;
  /** How long the national side asked us to wait (`Retry-After`), already in milliseconds. */
  retryAfterMs?: number;
  operation?: NdxpOperation;
  requestId?: string;
}

export class NdxpError extends GatewayError {
  declare readonly code: NdxpErrorCode;
  readonly nationalCode: string | undefined;
  readonly httpStatus: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly operation: NdxpOperation | undefined;
  readonly requestId: string | undefined;

  constructor(code: NdxpErrorCode, message: string, options: NdxpErrorOptions = {}) {
    super(code, message, options);
    this.nationalCode = options.nationalCode;
    this.httpStatus = options.httpStatus;
    this.retryAfterMs = options.retryAfterMs;
    this.operation = options.operation;
    this.requestId = options.requestId;
  }
}

export function isNdxpError(err: unknown): err is NdxpError {
  return err instanceof NdxpError;
}
