import { GatewayError, type ErrorDetail } from '../errors.js';

/**
 * A refusal the simulated national side answers with. The codes are the contract's wire
 * codes (contract README, "Push", "Receipt", "Pull"), not gateway component codes: the
 * simulator *is* the national side, and clients match on exactly these strings. The body is
 * the contract's `{code, message, errors?}`.
 */
export type NationalCode =
  | 'AUTHEN_ERROR'
  | 'BAD_ENVELOPE'
  | 'SCHEMA_INVALID'
  | 'SIGNATURE_INVALID'
  | 'CERT_NOT_TRUSTED'
  | 'AGENCY_ID_INCORRECT'
  | 'PACKET_CONFLICT'
  | 'PACKET_TOO_LARGE'
  | 'PACKET_NOT_FOUND'
  | 'RECORD_NOT_FOUND'
  | 'PURPOSE_NOT_ALLOWED'
  | 'UNSUPPORTED_GRANT_TYPE'
  | 'NOT_FOUND'
  | 'INTERNAL_ERROR';

const STATUS: Readonly<Record<NationalCode, number>> = {
  AUTHEN_ERROR: 401,
  BAD_ENVELOPE: 400,
  SCHEMA_INVALID: 400,
  SIGNATURE_INVALID: 403,
  CERT_NOT_TRUSTED: 403,
  AGENCY_ID_INCORRECT: 403,
  PACKET_CONFLICT: 409,
  PACKET_TOO_LARGE: 413,
  PACKET_NOT_FOUND: 404,
  RECORD_NOT_FOUND: 404,
  PURPOSE_NOT_ALLOWED: 403,
  UNSUPPORTED_GRANT_TYPE: 400,
  NOT_FOUND: 404,
  INTERNAL_ERROR: 500,
};

export interface NationalErrorBody {
  code: string;
  message: string;
  errors?: ErrorDetail[];
}

export class NationalRefusal extends GatewayError {
  declare readonly code: NationalCode;
  declare readonly status: number;

  constructor(code: NationalCode, message: string, details: ErrorDetail[] = [], cause?: unknown) {
    super(code, message, { status: STATUS[code], details, retryable: false, cause });
  }

  body(): NationalErrorBody {
    return this.details.length > 0
      ? { code: this.code, message: this.message, errors: this.details }
      : { code: this.code, message: this.message };
  }
}

/**
 * Misuse of the simulator's own control surface (`/_sim`, options), not a national answer:
 * `simulator.bad_faults` (a fault script it cannot follow), `simulator.bad_seed`.
 */
export type SimulatorErrorCode = 'simulator.bad_faults' | 'simulator.bad_seed';

export class SimulatorError extends GatewayError {
  declare readonly code: SimulatorErrorCode;

  constructor(code: SimulatorErrorCode, message: string, details: ErrorDetail[] = []) {
    super(code, message, { status: 400, details, retryable: false });
  }
}
