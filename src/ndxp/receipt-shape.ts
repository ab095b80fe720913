import type { ValidateFunction } from 'ajv';
import { toProblem } from '../contract/schema-validators.js';
import type { ErrorDetail } from '../errors.js';
import { validateEnvelope, validateReceipt } from './answer-validators.generated.js';

/**
 * The shapes of the national side's answers ("Push", "Receipt" and "Pull a transferee"),
 * checked against the contract's own `receipt.schema.json` and `envelope.schema.json` (ajv,
 * compiled ahead of time by scripts/gen-validators.ts): the transport only needs to know that
 * an answer is usable, and reports what is wrong with it as `{path, message}` problems.
 */

export type ReceiptStatus = 'received' | 'processing' | 'done' | 'failed';

export type RecordResultStatus = 'accepted' | 'rejected' | 'stale';

export interface RecordError {
  code: string;
  path?: string;
  message: string;
}

export interface RecordResult {
  soDinhDanh: string;
  approvedAt?: string;
  status: RecordResultStatus;
  errors?: RecordError[];
}

export interface Receipt {
  packetId: string;
  receiptId: string;
  status: ReceiptStatus;
  receivedAt?: string;
  completedAt?: string;
  error?: { code?: string; message?: string };
  results?: RecordResult[];
}

/** What `POST /packets` answers: 202 the first time, 200 for a repeat of the same bytes. */
export interface PushReceipt {
  packetId: string;
  receiptId: string;
  status: ReceiptStatus;
}

export interface SignedEnvelope {
  format: 'json' | 'xml';
  payload: string;
  signature: string;
}

type Shape<T> = { ok: true; value: T } | { ok: false; problems: ErrorDetail[] };

function problemsOf(validate: ValidateFunction, body: unknown): ErrorDetail[] {
  return validate(body) ? [] : (validate.errors ?? []).map(toProblem);
}

/** What `POST /packets` answers: the receipt's head, as the schema requires it. */
export function readPushReceipt(body: unknown): Shape<PushReceipt> {
  const problems = problemsOf(validateReceipt, body);
  if (problems.length > 0) return { ok: false, problems };
  const { packetId, receiptId, status } = body as Receipt;
  return { ok: true, value: { packetId, receiptId, status } };
}

/**
 * A full receipt; the body is returned as received once its shape is known to be right. Beyond
 * the schema, a `done` receipt must list its records' results: the outbox settles each record
 * from them ("Receipt", one result per record).
 */
export function readReceipt(body: unknown): Shape<Receipt> {
  const problems = problemsOf(validateReceipt, body);
  const receipt = body as Partial<Receipt> | null;
  if (problems.length === 0 && receipt?.status === 'done' && !Array.isArray(receipt.results)) {
    problems.push({ path: '/results', message: 'a done receipt must list one result per record' });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: body as Receipt };
}

/** The envelope of a pulled record (contract `schemas/envelope.schema.json`). Not verified. */
export function readEnvelope(body: unknown): Shape<SignedEnvelope> {
  const problems = problemsOf(validateEnvelope, body);
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: body as SignedEnvelope };
}
