import type { ErrorDetail } from '../errors.js';
import { isObject } from './http-exchange.js';

/**
 * The shapes of the national side's answers (contract `schemas/receipt.schema.json`, "Push",
 * "Receipt" and "Pull a transferee"), checked by hand: the transport only needs to know that
 * an answer is usable, and reports what is wrong with it as `{path, message}` problems.
 */

export type ReceiptStatus = 'received' | 'processing' | 'done' | 'failed';
export const RECEIPT_STATUSES: readonly ReceiptStatus[] = ['received', 'processing', 'done', 'failed'];

export type RecordResultStatus = 'accepted' | 'rejected' | 'stale';
const RECORD_RESULT_STATUSES: readonly string[] = ['accepted', 'rejected', 'stale'];

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

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

export function readPushReceipt(body: unknown): Shape<PushReceipt> {
  const problems: ErrorDetail[] = [];
  if (!isObject(body)) return { ok: false, problems: [{ path: '', message: 'the answer is not a JSON object' }] };
  if (!nonEmptyString(body['packetId'])) problems.push({ path: '/packetId', message: 'missing or not a string' });
  if (!nonEmptyString(body['receiptId'])) problems.push({ path: '/receiptId', message: 'missing or not a string' });
  if (!RECEIPT_STATUSES.includes(body['status'] as ReceiptStatus)) {
    problems.push({ path: '/status', message: `not one of ${RECEIPT_STATUSES.join(', ')}` });
  }
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    value: { packetId: body['packetId'] as string, receiptId: body['receiptId'] as string, status: body['status'] as ReceiptStatus },
  };
}

function readResult(item: unknown, path: string, problems: ErrorDetail[]): void {
  if (!isObject(item)) {
    problems.push({ path, message: 'not an object' });
    return;
  }
  if (!nonEmptyString(item['soDinhDanh'])) problems.push({ path: `${path}/soDinhDanh`, message: 'missing or not a string' });
  if (!RECORD_RESULT_STATUSES.includes(item['status'] as string)) {
    problems.push({ path: `${path}/status`, message: `not one of ${RECORD_RESULT_STATUSES.join(', ')}` });
  }
  if (item['approvedAt'] !== undefined && typeof item['approvedAt'] !== 'string') {
    problems.push({ path: `${path}/approvedAt`, message: 'not a string' });
  }
  const errors = item['errors'];
  if (errors === undefined) return;
  if (!Array.isArray(errors)) {
    problems.push({ path: `${path}/errors`, message: 'not an array' });
    return;
  }
  errors.forEach((e: unknown, j) => {
    if (!isObject(e) || !nonEmptyString(e['code']) || typeof e['message'] !== 'string') {
      problems.push({ path: `${path}/errors/${j}`, message: 'not {code, message}' });
    }
  });
}

/** A full receipt; the body is returned as received once its shape is known to be right. */
export function readReceipt(body: unknown): Shape<Receipt> {
  const head = readPushReceipt(body);
  const problems = head.ok ? [] : [...head.problems];
  if (!isObject(body)) return { ok: false, problems };
  const results = body['results'];
  if (results !== undefined) {
    if (Array.isArray(results)) results.forEach((r: unknown, i) => readResult(r, `/results/${i}`, problems));
    else problems.push({ path: '/results', message: 'not an array' });
  }
  if (body['error'] !== undefined && !isObject(body['error'])) problems.push({ path: '/error', message: 'not an object' });
  for (const key of ['receivedAt', 'completedAt']) {
    if (body[key] !== undefined && typeof body[key] !== 'string') problems.push({ path: `/${key}`, message: 'not a string' });
  }
  if (body['status'] === 'done' && !Array.isArray(results)) {
    problems.push({ path: '/results', message: 'a done receipt must list one result per record' });
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: body as unknown as Receipt };
}

/** The envelope of a pulled record (contract `schemas/envelope.schema.json`). Not verified. */
export function readEnvelope(body: unknown): Shape<SignedEnvelope> {
  if (!isObject(body)) return { ok: false, problems: [{ path: '', message: 'the answer is not a JSON object' }] };
  const problems: ErrorDetail[] = [];
  if (body['format'] !== 'json' && body['format'] !== 'xml') problems.push({ path: '/format', message: 'not "json" or "xml"' });
  for (const key of ['payload', 'signature']) {
    if (typeof body[key] !== 'string' || (body[key] as string).length < 4) {
      problems.push({ path: `/${key}`, message: 'missing or not a base64 string' });
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: body as unknown as SignedEnvelope };
}
