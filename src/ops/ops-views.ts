import type { PayloadCodec, PayloadFormat } from '../encoding/payload-codec.js';
import type {
  OldestApproval, OpsSummary, PacketRecordResult, PersonVersion, RecordItem, RecordProblem, SyncRunItem,
} from './ops-types.js';

/**
 * The operators' views, derived from what the store returns: no I/O here, so the router and
 * `csdl-gateway tx` show the same thing and the tests can feed plain values.
 */
const HOUR_MS = 3_600_000;

export interface SummaryParts {
  packets: Record<string, number>;
  records: Record<string, number>;
  failing: { total: number; byCode: Record<string, number> };
  oldest: OldestApproval | undefined;
  lastSync: SyncRunItem | undefined;
}

export function summaryView(parts: SummaryParts, now: Date): OpsSummary {
  const oldest = parts.oldest;
  return {
    packets: parts.packets,
    records: parts.records,
    failing: parts.failing.total,
    failingByCode: parts.failing.byCode,
    oldestUnsentApproval: oldest
      ? {
        vendorId: oldest.vendorId,
        approvedAt: oldest.approvedAt.toISOString(),
        ageHours: Math.round(((now.getTime() - oldest.approvedAt.getTime()) / HOUR_MS) * 10) / 10,
      }
      : null,
    lastSync: parts.lastSync ?? null,
  };
}

export interface CarriedRecord {
  soDinhDanh: string;
  approvedAt: string;
}

export interface DecodedEnvelope {
  format: PayloadFormat;
  header: Record<string, unknown>;
  records: CarriedRecord[];
}

/** The header and the records (who, which approval) of one of our stored envelopes. */
export function decodeEnvelope(envelope: Buffer, codec: PayloadCodec): DecodedEnvelope {
  const { format, payload } = JSON.parse(envelope.toString('utf8')) as { format: PayloadFormat; payload: string };
  const packet = codec.decode('packet', format, Buffer.from(payload, 'base64')) as {
    header?: Record<string, unknown>;
    records?: { soDinhDanh: string; approvedAt: string }[];
  };
  return {
    format,
    header: packet.header ?? {},
    records: (packet.records ?? []).map((r) => ({ soDinhDanh: r.soDinhDanh, approvedAt: r.approvedAt })),
  };
}

interface ReceiptResult {
  soDinhDanh?: string;
  approvedAt?: string;
  status?: string;
  errors?: RecordProblem[];
}

const sameTime = (a: string | undefined, b: string): boolean => a !== undefined && a !== '' && new Date(a).getTime() === new Date(b).getTime();

/**
 * Per record of a packet: what the receipt said about it (matched by số định danh and, when
 * the receipt gives it, approvedAt: a person may appear twice in one packet) and the version
 * as it stands now, found by the same pair.
 */
export function packetRecordResults(carried: CarriedRecord[], receiptBody: unknown, versions: RecordItem[]): PacketRecordResult[] {
  const results = ((receiptBody as { results?: ReceiptResult[] } | undefined)?.results ?? []);
  return carried.map((c) => {
    const result = results.find((r) => r.soDinhDanh === c.soDinhDanh && (r.approvedAt === undefined || r.approvedAt === '' || sameTime(r.approvedAt, c.approvedAt)));
    const version = versions.find((v) => v.soDinhDanh === c.soDinhDanh && sameTime(v.approvedAt, c.approvedAt));
    return {
      soDinhDanh: c.soDinhDanh,
      approvedAt: c.approvedAt,
      result: result?.status ?? null,
      errors: result?.errors ?? version?.errors ?? [],
      versionId: version?.id ?? null,
      state: version?.state ?? null,
    };
  });
}

const codes = (errors: RecordProblem[]): string => [...new Set(errors.map((e) => e.code))].join(', ') || 'no code given';

const at = (iso: string): string => `${iso.slice(0, 19).replace('T', ' ')}Z`;

/** Who acted on a version after it failed: an operator's settlement, or the version replacing it. */
export function aftermath(v: Pick<RecordItem, 'settled' | 'replacedBy'>): string | undefined {
  if (v.settled) return `settled by ${v.settled.by} at ${at(v.settled.at)}: ${v.settled.reason}`;
  const next = v.replacedBy;
  if (!next) return undefined;
  return next.resent
    ? `re-sent as version ${next.id} (${next.state}) by ${next.resent.by} at ${at(next.resent.at)}: ${next.resent.reason}`
    : `replaced by version ${next.id} (${next.state}), a later approval taken in at ${at(next.at)}`;
}

/** One line on what became of a version and why (docs/decisions/outbox.md's states). */
export function versionOutcome(v: Omit<PersonVersion, 'outcome'>): string {
  const base = baseOutcome(v);
  const after = v.state === 'rejected' || v.state === 'invalid' ? aftermath(v) : undefined;
  return after ? `${base}; ${after}` : base;
}

function baseOutcome(v: Omit<PersonVersion, 'outcome'>): string {
  switch (v.state) {
    case 'accepted': return 'accepted by the national side';
    case 'unchanged': return 'not sent: identical to the record the national side last accepted';
    case 'stale': return 'stale: the national side holds a newer approval of this person';
    case 'rejected': return `rejected by the national side: ${codes(v.errors)}`;
    case 'invalid': return `not sent: failed pre-validation (${codes(v.errors)})`;
    case 'queued': return 'queued for the next packet';
    case 'in_packet':
      return v.packetState === 'failed'
        ? `in packet ${v.packetId ?? '?'}, failed${v.packetNationalCode ? ` (${v.packetNationalCode})` : ''}`
        : `in packet ${v.packetId ?? '?'} (${v.packetState ?? 'unknown'}), awaiting the receipt`;
    default: return v.state;
  }
}
