import type { Queryable } from '../db/db.js';
import { resolvePacketId } from '../outbox/packet-prefix.js';
import type {
  AttemptItem, ConflictFilter, ConflictItem, Listing, OldestApproval, OperatorAct, PacketFilter, PacketItem, RecordFilter, RecordItem, RecordProblem, SyncRunItem,
} from './ops-types.js';

/**
 * The operators' reads of the outbox (migration 002; indexes in 005). SQL only; shaping and
 * arithmetic live in ops-views.ts. What *failing* and *outstanding* mean is written once, as the
 * views of migration 011 (failing_versions, outstanding_versions): every count and filter here
 * reads them, so the summary, the listing, /metrics and /readyz cannot disagree.
 */
const S = 'csdl_gateway';

interface Where {
  sql: string;
  values: unknown[];
}

/** Each condition applies when its value is given; one without a `$?` takes no parameter (a flag). */
function where(conditions: [string | undefined, unknown][]): Where {
  const parts: string[] = [];
  const values: unknown[] = [];
  for (const [sql, value] of conditions) {
    if (sql === undefined || value === undefined || value === false) continue;
    if (sql.includes('$?')) values.push(value);
    parts.push(sql.replaceAll('$?', `$${values.length}`));
  }
  return { sql: parts.length ? `WHERE ${parts.join(' AND ')}` : '', values };
}

export function recordWhere(f: RecordFilter): Where {
  return where([
    // The states an operator lists by are found through the status index (migration 022);
    // accepted and in a packet, most versions, by reading the table.
    [f.state === 'accepted' || f.state === 'in_packet' ? 'v.status = $?' : 'v.listed_status = $?', f.state],
    [`EXISTS (SELECT 1 FROM ${S}.failing_versions f WHERE f.id = v.id)`, f.failing],
    // Containment uses the value's shape, so a code never matches a message or a path.
    // (errors IS NOT NULL lets the partial GIN index of migration 005 serve it.)
    ['v.errors IS NOT NULL AND v.errors @> $?::jsonb', f.code === undefined ? undefined : JSON.stringify([{ code: f.code }])],
    ['v.approved_by_unit = $?', f.unit],
    ['v.so_dinh_danh = $?', f.soDinhDanh],
    ['v.source = $?', f.source],
    ['v.approved_at >= $?', f.from],
    ['v.approved_at < $?', f.to],
  ]);
}

export function packetWhere(f: PacketFilter): Where {
  return where([
    ['p.status = $?', f.state],
    ['p.national_code = $?', f.code],
    // From the unit's or person's versions to their packets (the unit and person indexes),
    // not from every packet to its 500 versions: ARRAY(...) is computed once, before the
    // packets are read, whatever plan the ORDER BY ... LIMIT tempts the planner into. A failed packet's versions went back to the
    // queue (packet_id NULL): the packet detail finds its people through the envelope instead.
    [`p.packet_id = ANY (ARRAY(SELECT DISTINCT v.packet_id FROM ${S}.record_versions v WHERE v.approved_by_unit = $? AND v.packet_id IS NOT NULL))`, f.unit],
    [`p.packet_id = ANY (ARRAY(SELECT DISTINCT v.packet_id FROM ${S}.record_versions v WHERE v.so_dinh_danh = $? AND v.packet_id IS NOT NULL))`, f.soDinhDanh],
    [`p.packet_id = ANY (ARRAY(SELECT DISTINCT v.packet_id FROM ${S}.record_versions v WHERE v.source = $? AND v.packet_id IS NOT NULL))`, f.source],
    ['p.created_at >= $?', f.from],
    ['p.created_at < $?', f.to],
  ]);
}

const RECORD_COLUMNS = `v.id::text AS id, v.source, v.so_dinh_danh, v.vendor_id, v.approval_id::text AS approval_id, v.operation, v.status,
  v.approved_at, v.approved_by_unit, v.packet_id::text AS packet_id, v.errors, v.updated_at,
  EXISTS (SELECT 1 FROM ${S}.failing_versions f WHERE f.id = v.id) AS failing,
  v.settled_at, v.settled_by, v.settle_reason, v.created_at, v.resent_by, v.resend_reason,
  nx.id AS next_id, nx.status AS next_status, nx.created_at AS next_at, nx.resent_by AS next_by, nx.resend_reason AS next_reason`;
/** Record versions with the person's next version, if any (the by-person index of migration 006). */
const RECORD_FROM = `${S}.record_versions v LEFT JOIN LATERAL (
  SELECT n.id::text AS id, n.status, n.created_at, n.resent_by, n.resend_reason FROM ${S}.record_versions n
   WHERE n.source = v.source AND n.vendor_id = v.vendor_id AND (n.approval_id, n.resend) > (v.approval_id, v.resend)
   ORDER BY n.approval_id, n.resend LIMIT 1) nx ON true`;
const PACKET_COLUMNS = `p.packet_id::text AS packet_id, p.status, p.format, p.record_count, p.payload_bytes, p.created_at, p.sent_at,
  p.completed_at, p.receipt_id, p.national_code, p.last_error`;

interface RecordRow {
  id: string; source: string; so_dinh_danh: string | null; vendor_id: string; approval_id: string; operation: string; status: string;
  approved_at: Date; approved_by_unit: string | null; packet_id: string | null; errors: RecordProblem[] | null; updated_at: Date;
  failing: boolean; settled_at: Date | null; settled_by: string | null; settle_reason: string | null; created_at: Date;
  resent_by: string | null; resend_reason: string | null;
  next_id: string | null; next_status: string | null; next_at: Date | null; next_by: string | null; next_reason: string | null;
}
interface PacketRow {
  packet_id: string; status: string; format: string; record_count: number; payload_bytes: number; created_at: Date;
  sent_at: Date | null; completed_at: Date | null; receipt_id: string | null; national_code: string | null; last_error: string | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** A stored problem as it was written (the national side's or the mapping's), nothing added. */
function problems(errors: RecordProblem[] | null): RecordProblem[] {
  return (errors ?? []).map((e) => ({ code: e.code, ...(e.path !== undefined ? { path: e.path } : {}), message: e.message }));
}

function act(at: Date | null, by: string | null, reason: string | null): OperatorAct | null {
  return at && by !== null ? { at: at.toISOString(), by, reason: reason ?? '' } : null;
}

export function recordItem(r: RecordRow): RecordItem {
  return {
    id: r.id, source: r.source, soDinhDanh: r.so_dinh_danh, vendorId: r.vendor_id, approvalId: r.approval_id, operation: r.operation, state: r.status,
    approvedAt: r.approved_at.toISOString(), approvedByUnit: r.approved_by_unit, packetId: r.packet_id,
    errors: problems(r.errors), updatedAt: r.updated_at.toISOString(),
    failing: r.failing,
    settled: act(r.settled_at, r.settled_by, r.settle_reason),
    resent: act(r.created_at, r.resent_by, r.resend_reason),
    replacedBy: r.next_id !== null && r.next_status !== null && r.next_at !== null
      ? { id: r.next_id, state: r.next_status, at: r.next_at.toISOString(), resent: act(r.next_at, r.next_by, r.next_reason) }
      : null,
  };
}

function packetItem(r: PacketRow): PacketItem {
  return {
    packetId: r.packet_id, state: r.status, format: r.format, recordCount: r.record_count, payloadBytes: r.payload_bytes,
    createdAt: r.created_at.toISOString(), sentAt: iso(r.sent_at), completedAt: iso(r.completed_at), receiptId: r.receipt_id,
    nationalCode: r.national_code, lastError: r.last_error,
  };
}

async function counts(db: Queryable, sql: string, values: unknown[] = []): Promise<Record<string, number>> {
  const res = await db.query<{ key: string; n: number }>(sql, values);
  return Object.fromEntries(res.rows.map((r) => [r.key, r.n]));
}

export interface OpsStore {
  packetStates(): Promise<Record<string, number>>;
  recordStates(): Promise<Record<string, number>>;
  failingByCode(): Promise<{ total: number; byCode: Record<string, number> }>;
  failingCount(): Promise<number>;
  /** The oldest approval the gateway is still carrying on its own (outstanding, not failing). */
  oldestOutstanding(): Promise<OldestApproval | undefined>;
  lastSync(): Promise<SyncRunItem | undefined>;
  listRecords(f: RecordFilter): Promise<Listing<RecordItem>>;
  listPackets(f: PacketFilter): Promise<Listing<PacketItem>>;
  /** The whole id of the packet `given` names: its id, or a unique prefix of it (outbox/packet-prefix.ts). */
  resolvePacketId(given: string): Promise<string>;
  packet(id: string): Promise<PacketItem | undefined>;
  envelope(id: string): Promise<Buffer | undefined>;
  attempts(id: string): Promise<AttemptItem[]>;
  receipt(id: string): Promise<{ status: string; receivedAt: string; body: unknown } | undefined>;
  /** Versions carried by the packet now, and those matching its envelope's records (a failed packet's went back to the queue). */
  versionsFor(packetId: string, carried: { soDinhDanh: string; approvedAt: string }[]): Promise<RecordItem[]>;
  /** A merged province's conflicts (migration 016), oldest first. */
  conflicts(f: ConflictFilter): Promise<ConflictItem[]>;
  /** A person's versions, named by số định danh or by the vendor's person id(s). */
  /** With `source`, only the versions read from that source (a vendor id names a person within one source). */
  personVersions(key: string | { vendorIds: string[]; source?: string }): Promise<{ versions: (RecordItem & { packetState: string | null; packetNationalCode: string | null; packetError: string | null })[]; acceptedAt: Date | undefined }>;
}

export function createOpsStore(db: Queryable): OpsStore {
  return {
    async conflicts(f) {
      const w = where([
        ['c.settled_at IS NULL', f.all ? undefined : true],
        ['c.sides @> $?::jsonb', f.source === undefined ? undefined : JSON.stringify([{ source: f.source }])],
      ]);
      const res = await db.query<{
        id: string; so_dinh_danh: string; sides: ConflictItem['sides']; fields: string[] | null; opened_at: Date;
        settled_at: Date | null; settled_by: string | null; settle_reason: string | null; chosen_source: string | null;
      }>(`SELECT c.id::text AS id, c.so_dinh_danh, c.sides, c.fields, c.opened_at, c.settled_at, c.settled_by, c.settle_reason, c.chosen_source
            FROM ${S}.source_conflicts c ${w.sql} ORDER BY c.opened_at, c.id LIMIT 10000`, w.values);
      return res.rows.map((r) => ({
        id: r.id, soDinhDanh: r.so_dinh_danh, sides: r.sides, fields: r.fields, openedAt: r.opened_at.toISOString(),
        settled: r.settled_at && r.chosen_source
          ? { at: r.settled_at.toISOString(), by: r.settled_by ?? '', reason: r.settle_reason ?? '', source: r.chosen_source }
          : null,
      }));
    },
    packetStates: () => counts(db, `SELECT status AS key, count(*)::int AS n FROM ${S}.packets GROUP BY status`),
    recordStates: () => counts(db, `SELECT status AS key, count(*)::int AS n FROM ${S}.record_versions GROUP BY status`),
    async failingByCode() {
      // One pass over the failing versions for both the total and the codes (a version with
      // two errors of one code counts once).
      const res = await db.query<{ key: string | null; n: number }>(
        `WITH failing AS MATERIALIZED (SELECT f.id, f.errors FROM ${S}.failing_versions f)
         SELECT NULL AS key, count(*)::int AS n FROM failing
         UNION ALL
         SELECT e.code, count(DISTINCT f.id)::int FROM failing f, jsonb_to_recordset(COALESCE(f.errors, '[]'::jsonb)) AS e(code text) GROUP BY e.code`,
      );
      const total = res.rows.find((r) => r.key === null)?.n ?? 0;
      return { total, byCode: Object.fromEntries(res.rows.filter((r) => r.key !== null).map((r) => [r.key, r.n])) };
    },
    async failingCount() {
      const res = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${S}.failing_versions`);
      return res.rows[0]?.n ?? 0;
    },
    async oldestOutstanding() {
      const res = await db.query<{ vendor_id: string; so_dinh_danh: string | null; approved_at: Date }>(
        `SELECT o.vendor_id, o.so_dinh_danh, o.approved_at FROM ${S}.outstanding_versions o ORDER BY o.approved_at, o.id LIMIT 1`,
      );
      const r = res.rows[0];
      return r ? { vendorId: r.vendor_id, soDinhDanh: r.so_dinh_danh, approvedAt: r.approved_at } : undefined;
    },
    async lastSync() {
      const res = await db.query<{ id: string; started_at: Date; finished_at: Date | null; summary: unknown }>(
        `SELECT id::text AS id, started_at, finished_at, summary FROM ${S}.sync_runs
          WHERE status = 'finished' AND NOT dry_run ORDER BY finished_at DESC NULLS LAST, id DESC LIMIT 1`,
      );
      const r = res.rows[0];
      return r ? { id: r.id, startedAt: r.started_at.toISOString(), finishedAt: iso(r.finished_at), summary: r.summary } : undefined;
    },
    async listRecords(f) {
      const w = recordWhere(f);
      const n = w.values.length;
      const [rows, total] = await Promise.all([
        db.query<RecordRow>(
          `SELECT ${RECORD_COLUMNS} FROM ${RECORD_FROM} ${w.sql} ORDER BY v.approved_at DESC, v.id DESC LIMIT $${n + 1} OFFSET $${n + 2}`,
          [...w.values, f.pageSize, (f.page - 1) * f.pageSize],
        ),
        db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${S}.record_versions v ${w.sql}`, w.values),
      ]);
      return { page: f.page, pageSize: f.pageSize, total: total.rows[0]?.n ?? 0, items: rows.rows.map(recordItem) };
    },
    async listPackets(f) {
      const w = packetWhere(f);
      const n = w.values.length;
      const [rows, total] = await Promise.all([
        db.query<PacketRow>(
          `SELECT ${PACKET_COLUMNS} FROM ${S}.packets p ${w.sql} ORDER BY p.created_at DESC, p.packet_id LIMIT $${n + 1} OFFSET $${n + 2}`,
          [...w.values, f.pageSize, (f.page - 1) * f.pageSize],
        ),
        db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${S}.packets p ${w.sql}`, w.values),
      ]);
      return { page: f.page, pageSize: f.pageSize, total: total.rows[0]?.n ?? 0, items: rows.rows.map(packetItem) };
    },
    resolvePacketId: (given) => resolvePacketId(db, given),
    async packet(id) {
      const res = await db.query<PacketRow>(`SELECT ${PACKET_COLUMNS} FROM ${S}.packets p WHERE p.packet_id = $1`, [id]);
      return res.rows[0] ? packetItem(res.rows[0]) : undefined;
    },
    async envelope(id) {
      const res = await db.query<{ envelope: Buffer }>(`SELECT envelope FROM ${S}.packets WHERE packet_id = $1`, [id]);
      return res.rows[0]?.envelope;
    },
    async attempts(id) {
      const res = await db.query<{
        operation: string; started_at: Date; duration_ms: number; http_status: number | null; national_code: string | null; request_id: string; error: string | null;
      }>(
        `SELECT operation, started_at, duration_ms, http_status, national_code, request_id, error FROM ${S}.send_attempts WHERE packet_id = $1 ORDER BY id`,
        [id],
      );
      return res.rows.map((r) => ({
        operation: r.operation, startedAt: r.started_at.toISOString(), durationMs: r.duration_ms, httpStatus: r.http_status,
        nationalCode: r.national_code, requestId: r.request_id, error: r.error,
      }));
    },
    async receipt(id) {
      const res = await db.query<{ status: string; received_at: Date; receipt: unknown }>(
        `SELECT status, received_at, receipt FROM ${S}.receipts WHERE packet_id = $1`,
        [id],
      );
      const r = res.rows[0];
      return r ? { status: r.status, receivedAt: r.received_at.toISOString(), body: r.receipt } : undefined;
    },
    async versionsFor(packetId, carried) {
      const res = await db.query<RecordRow>(
        `SELECT ${RECORD_COLUMNS} FROM ${RECORD_FROM}
          WHERE v.packet_id = $1
             OR (v.so_dinh_danh, v.approved_at) IN (SELECT * FROM unnest($2::text[], $3::timestamptz[]))
          ORDER BY v.id`,
        [packetId, carried.map((c) => c.soDinhDanh), carried.map((c) => c.approvedAt)],
      );
      return res.rows.map(recordItem);
    },
    async personVersions(key) {
      const [column, value] = typeof key === 'string' ? ['so_dinh_danh', [key]] : ['vendor_id', key.vendorIds];
      const source = typeof key === 'string' ? null : key.source ?? null;
      const res = await db.query<RecordRow & { packet_status: string | null; packet_code: string | null; packet_error: string | null }>(
        `SELECT ${RECORD_COLUMNS}, p.status AS packet_status, p.national_code AS packet_code, p.last_error AS packet_error
           FROM ${RECORD_FROM} LEFT JOIN ${S}.packets p ON p.packet_id = v.packet_id
          WHERE v.${column} = ANY($1::text[]) AND ($2::text IS NULL OR v.source = $2) ORDER BY v.approval_id, v.id`,
        [value, source],
      );
      const state = await db.query<{ accepted_at: Date | null }>(
        `SELECT accepted_at FROM ${S}.person_state WHERE ${column} = ANY($1::text[]) AND ($2::text IS NULL OR source = $2)
          ORDER BY accepted_at DESC NULLS LAST LIMIT 1`, [value, source]);
      return {
        versions: res.rows.map((r) => ({ ...recordItem(r), packetState: r.packet_status, packetNationalCode: r.packet_code, packetError: r.packet_error })),
        acceptedAt: state.rows[0]?.accepted_at ?? undefined,
      };
    },
  };
}
