/**
 * One base class for every error the gateway raises on purpose.
 * `code` is stable and prefixed by the component that failed (`config.invalid`,
 * `mapping.code_unknown`, `signing.cert_expired`, `ndxp.http_503`): code matches on it,
 * never on the message. `retryable` tells the retry table whether trying again may help;
 * `status` is the HTTP status to answer with where one applies. Each capability raises its own
 * subclass, declared with the union of its codes in its `*-error.ts` table; nothing constructs
 * this class directly (test/foundation/error-code-tables.test.ts).
 */
export interface ErrorDetail {
  path: string;
  message: string;
}

export interface GatewayErrorOptions {
  retryable?: boolean;
  status?: number;
  details?: ErrorDetail[];
  cause?: unknown;
}

export class GatewayError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly details: ErrorDetail[];
  /** Seconds, for the answer's Retry-After (a 429 or 503 that says when to come back). */
  retryAfter?: number;

  constructor(code: string, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.status = options.status;
    this.details = options.details ?? [];
  }

  toJSON(): { code: string; message: string; details?: ErrorDetail[] } {
    return this.details.length > 0
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}

/**
 * The base of a capability's error table: `class ShareError extends CodedError<ShareErrorCode> {}`
 * constructs with the codes of its union only.
 */
export class CodedError<Code extends string> extends GatewayError {
  declare readonly code: Code;

  constructor(code: Code, message: string, options: GatewayErrorOptions = {}) {
    super(code, message, options);
  }
}

export function isGatewayError(err: unknown): err is GatewayError {
  return err instanceof GatewayError;
}

/** A readable one-line description of any thrown value, for logs and CLI output. */
export function describeError(err: unknown): string {
  if (err instanceof GatewayError) return `${err.code}: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}
