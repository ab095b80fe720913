import type { RecordProblem } from '../contract/national-rules.js';
import { compareApprovedAt, isOrderableDateTime } from './approved-at.js';

/**
 * What the national side decides for each record of a received packet (contract README,
 * "Push" and "Receipt"), as a pure function of the records, their validation problems and
 * the records it holds. In order: the national validator's problems → `rejected`; the số
 * định danh held, not archived, for another sender → `rejected` DUPLICATE_IDENTITY; an
 * approvedAt not later than the held one → `stale`; else `accepted`, which the next record
 * of the same packet sees as held.
 */
export interface HeldOfficial {
  soDinhDanh: string;
  sender: string;
  approvedAt: string;
  archived: boolean;
}

export interface ResultError {
  code: string;
  path: string;
  message: string;
}

export type RecordStatus = 'accepted' | 'rejected' | 'stale';

/** One entry of the receipt's `results` (receipt.schema.json). */
export interface RecordResult {
  soDinhDanh: string;
  approvedAt?: string;
  status: RecordStatus;
  errors?: ResultError[];
}

export interface AcceptedVersion {
  position: number;
  soDinhDanh: string;
  operation: 'upsert' | 'archive';
  approvedAt: string;
  data: Record<string, unknown>;
}

export interface PacketDecision {
  results: RecordResult[];
  /** In packet order; the last one per soDinhDanh is what the national side now holds. */
  accepted: AcceptedVersion[];
}

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {};
}

export function decidePacket(
  records: readonly unknown[],
  problems: readonly (readonly RecordProblem[])[],
  sender: string,
  held: ReadonlyMap<string, HeldOfficial>,
): PacketDecision {
  const current = new Map(held);
  const results: RecordResult[] = [];
  const accepted: AcceptedVersion[] = [];
  records.forEach((raw, position) => {
    const rec = obj(raw);
    // packet-checks guarantees a soDinhDanh string on every record of a received packet.
    const soDinhDanh = String(rec.soDinhDanh);
    const approvedAt = typeof rec.approvedAt === 'string' ? rec.approvedAt : undefined;
    const base = approvedAt === undefined ? { soDinhDanh } : { soDinhDanh, approvedAt };
    const own = problems[position] ?? [];
    if (own.length > 0 || !isOrderableDateTime(approvedAt)) {
      const errors = own.length > 0 ? own.map((p) => ({ code: p.code, path: p.path, message: p.message }))
        : [{ code: 'SCHEMA_INVALID', path: '/approvedAt', message: 'must be a date-time' }];
      results.push({ ...base, status: 'rejected', errors });
      return;
    }
    const mine = current.get(soDinhDanh);
    if (mine && !mine.archived && mine.sender !== sender) {
      results.push({
        ...base,
        status: 'rejected',
        errors: [{
          code: 'DUPLICATE_IDENTITY',
          path: '/soDinhDanh',
          message: `số định danh ${soDinhDanh} belongs to an official held by ${mine.sender} and not archived there`,
        }],
      });
      return;
    }
    if (mine && compareApprovedAt(approvedAt, mine.approvedAt) <= 0) {
      results.push({ ...base, status: 'stale' });
      return;
    }
    const operation = rec.operation === 'archive' ? 'archive' : 'upsert';
    current.set(soDinhDanh, { soDinhDanh, sender, approvedAt, archived: operation === 'archive' });
    accepted.push({ position, soDinhDanh, operation, approvedAt, data: obj(rec.data) });
    results.push({ ...base, status: 'accepted' });
  });
  return { results, accepted };
}
