/**
 * What the operators' read API and `csdl-gateway tx` show (src/ops). Plain JSON values: the
 * store returns rows in these shapes, ops-views.ts derives the rest, the router and the CLI
 * print them as they are.
 */
export interface Page {
  page: number;
  pageSize: number;
}

export interface TimeRange {
  from?: Date;
  to?: Date;
}

/** A merged province's person two sources approve (migration 016). */
export interface ConflictItem {
  id: string;
  soDinhDanh: string;
  /** Each source: its name, the person's vendor id there, the approval and its time. */
  sides: { source: string; vendorId: string; approvalId: string | null; approvedAt: string | null }[];
  /** JSON paths where the two records differ (no values); null when one record was sent earlier and is not kept. */
  fields: string[] | null;
  openedAt: string;
  /** Who settled it, when, why and for which source (`by`: an operator, or 'conflictPolicy'). */
  settled: { at: string; by: string; reason: string; source: string } | null;
}

export interface ConflictFilter {
  /** Settled conflicts too (default: open ones only). */
  all?: boolean;
  /** Conflicts one of whose sides is this source. */
  source?: string;
}

export interface PacketFilter extends Page, TimeRange {
  state?: string;
  /** The national code the packet failed with. */
  code?: string;
  /** Packets carrying a record approved by this unit (approved_by_unit). */
  unit?: string;
  soDinhDanh?: string;
  /** Packets carrying a record read from this source (a merged province's database). */
  source?: string;
}

export interface RecordFilter extends Page, TimeRange {
  state?: string;
  /** Only the failing versions (the store's one definition: migration 011's failing_versions). */
  failing?: boolean;
  /** A national or mapping error code among the record's errors. */
  code?: string;
  unit?: string;
  soDinhDanh?: string;
  /** Versions read from this source (migration 015). */
  source?: string;
}

/** One problem of a record, as stored: the national side's or the mapping's. */
export interface RecordProblem {
  code: string;
  path?: string;
  message: string;
}

export interface RecordItem {
  id: string;
  /** The provincial database it was read from ('default' in a one-database province). */
  source: string;
  soDinhDanh: string | null;
  vendorId: string;
  approvalId: string;
  operation: string;
  state: string;
  approvedAt: string;
  approvedByUnit: string | null;
  packetId: string | null;
  errors: RecordProblem[];
  updatedAt: string;
  /** Rejected or invalid, not settled, and still the person's latest version. */
  failing: boolean;
  /** An operator marked it handled outside the gateway: who, when, why. */
  settled: OperatorAct | null;
  /** This version is an operator's re-send of its approval: who asked, when, why. */
  resent: OperatorAct | null;
  /** The person's next version, which speaks for them from then on (a new approval or a re-send). */
  replacedBy: Replacement | null;
}

export interface OperatorAct {
  at: string;
  by: string;
  reason: string;
}

export interface Replacement {
  id: string;
  state: string;
  /** When the gateway took it in. */
  at: string;
  /** Set when the replacement is an operator's re-send. */
  resent: OperatorAct | null;
}

export interface PacketItem {
  packetId: string;
  state: string;
  format: string;
  recordCount: number;
  payloadBytes: number;
  createdAt: string;
  sentAt: string | null;
  completedAt: string | null;
  receiptId: string | null;
  nationalCode: string | null;
  lastError: string | null;
}

export interface Listing<T> {
  page: number;
  pageSize: number;
  total: number;
  items: T[];
}

export interface AttemptItem {
  operation: string;
  startedAt: string;
  durationMs: number;
  httpStatus: number | null;
  nationalCode: string | null;
  requestId: string;
  error: string | null;
}

export interface SyncRunItem {
  id: string;
  startedAt: string;
  finishedAt: string | null;
  summary: unknown;
}

export interface OldestApproval {
  vendorId: string;
  soDinhDanh: string | null;
  approvedAt: Date;
}

/** GET /api/ops/summary, `tx summary --json`. */
export interface OpsSummary {
  packets: Record<string, number>;
  records: Record<string, number>;
  failing: number;
  failingByCode: Record<string, number>;
  oldestUnsentApproval: { vendorId: string; approvedAt: string; ageHours: number } | null;
  lastSync: SyncRunItem | null;
}

/** One record of a packet: what the envelope carried, what the receipt said, where it stands. */
export interface PacketRecordResult {
  soDinhDanh: string;
  approvedAt: string;
  /** The national result (accepted, rejected, stale), when a receipt gave one. */
  result: string | null;
  errors: RecordProblem[];
  /** The record version as it stands now (it may have gone back to the queue). */
  versionId: string | null;
  state: string | null;
}

export interface PacketDetail extends PacketItem {
  header: Record<string, unknown>;
  attempts: AttemptItem[];
  receipt: { status: string; receivedAt: string; body: unknown } | null;
  records: PacketRecordResult[];
}

export interface PersonVersion extends RecordItem {
  packetState: string | null;
  packetNationalCode: string | null;
  packetError: string | null;
  /** One line: what became of this version and why. */
  outcome: string;
}

export interface PersonHistory {
  soDinhDanh: string;
  acceptedAt: string | null;
  versions: PersonVersion[];
}

/** The outbox's states (migration 002, docs/decisions/outbox.md), for filters. */
export const PACKET_STATES = ['pending', 'sent', 'done', 'failed', 'cancelled'] as const;
export const RECORD_STATES = ['queued', 'in_packet', 'accepted', 'stale', 'rejected', 'invalid', 'unchanged', 'held'] as const;
