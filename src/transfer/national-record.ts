import type { X509Certificate } from 'node:crypto';
import { MINISTRY_AGENCY_CODE, type NationalContract } from '../contract/national-contract.js';
import type { NationalValidator } from '../contract/record-validator.js';
import { createPayloadCodec } from '../encoding/payload-codec.js';
import { isGatewayError } from '../errors.js';
import type { NdxpClient } from '../ndxp/ndxp-client.js';
import { NdxpError } from '../ndxp/ndxp-error.js';
import { verifyEnvelope, type VerifiedEnvelope } from '../signing/envelope-verifier.js';
import { EnvelopeError } from '../signing/signing-errors.js';
import { TransferError, type TransferErrorCode } from './transfer-error.js';

/**
 * One official's national record, fetched and trusted (contract README, "Pull a transferee"
 * and "The signed envelope"): the envelope is verified (a trusted chain, signed by the
 * Ministry `000.00.00.G09`) before a byte of the payload is parsed; then decoded (JSON or XML,
 * whichever the national side chose), checked against official.schema.json and checked to be
 * the person asked for. Rule findings that are not schema errors come back as warnings: the
 * receiving unit reviews the staged row.
 */
export interface TrustedRecord {
  record: Record<string, unknown>;
  verified: VerifiedEnvelope;
  /** The national rules' findings other than the schema's (CODE_UNKNOWN...), as warnings. */
  ruleWarnings: { code: string; path: string; source: string; message: string }[];
}

export interface NationalRecordDeps {
  national: Pick<NdxpClient, 'pullOfficial'>;
  trustAnchors: X509Certificate[];
  contract: NationalContract;
  validator: NationalValidator;
  now: () => Date;
}

const ENVELOPE_CODES: Readonly<Record<EnvelopeError['code'], TransferErrorCode>> = {
  CERT_NOT_TRUSTED: 'transfer.untrusted_ca',
  SIGNER_MISMATCH: 'transfer.wrong_signer',
  SIGNATURE_INVALID: 'transfer.tampered',
  BAD_ENVELOPE: 'transfer.bad_envelope',
  CERT_EXPIRED: 'transfer.cert_expired',
};

function fetchFailure(err: NdxpError): TransferError {
  const detail = { path: 'national', message: `${err.code}${err.nationalCode ? ` ${err.nationalCode}` : ''}${err.requestId ? ` (request ${err.requestId})` : ''}` };
  const options = { cause: err, details: [detail] };
  if (err.httpStatus === 404) return new TransferError('transfer.not_found', 'the national database holds no record for this số định danh', options);
  if (err.httpStatus === 403) {
    return new TransferError('transfer.national_refused', `the national side refused the pull (${err.nationalCode ?? 'HTTP 403'}): ${err.message}`, options);
  }
  if (err.code === 'ndxp.timeout') return new TransferError('transfer.timeout', `the national side did not answer in time: ${err.message}`, options);
  return new TransferError('transfer.national_unavailable', `the national side failed: ${err.message}`, options);
}

export async function fetchTrustedRecord(
  deps: NationalRecordDeps, soDinhDanh: string, receivingUnit: string, accept?: 'json' | 'xml',
): Promise<TrustedRecord> {
  let envelope: unknown;
  try {
    envelope = await deps.national.pullOfficial(soDinhDanh, { receivingUnit, purpose: 'transfer-in', ...(accept ? { accept } : {}) });
  } catch (err) {
    if (err instanceof NdxpError) throw fetchFailure(err);
    throw err;
  }
  let verified: VerifiedEnvelope;
  try {
    verified = verifyEnvelope(envelope, { trustAnchors: deps.trustAnchors, expectedSigner: MINISTRY_AGENCY_CODE, now: deps.now() });
  } catch (err) {
    if (!(err instanceof EnvelopeError)) throw err;
    throw new TransferError(ENVELOPE_CODES[err.code], `the national record's envelope is refused (${err.code}): ${err.message}`, { cause: err });
  }
  let record: unknown;
  try {
    record = createPayloadCodec(deps.contract).decode('record', verified.format, verified.payload);
  } catch (err) {
    const why = isGatewayError(err) ? `${err.code}: ${err.message}` : String(err);
    throw new TransferError('transfer.bad_record', `the signed ${verified.format} payload cannot be read: ${why}`, { cause: err });
  }
  const problems = deps.validator.validateRecord(record);
  const schema = problems.filter((p) => p.code === 'SCHEMA_INVALID');
  if (schema.length > 0) {
    throw new TransferError('transfer.bad_record', 'the signed record does not match official.schema.json', {
      details: schema.slice(0, 20).map((p) => ({ path: p.path, message: p.message })),
    });
  }
  const data = record as Record<string, unknown>;
  if (data.soDinhDanh !== soDinhDanh) {
    throw new TransferError('transfer.wrong_record', 'the national side answered with the record of another person');
  }
  const ruleWarnings = problems.map((p) => ({ code: p.code, path: p.path, source: p.path, message: p.message }));
  return { record: data, verified, ruleWarnings };
}
