import type { Queryable } from '../db/db.js';
import type { AcceptedVersion, HeldOfficial, RecordResult } from './record-decisions.js';

/**
 * The simulator's ledger (schema csdl_simulator, migrations/): plain parameterised SQL in
 * named functions. Batches travel as one JSON parameter expanded by jsonb_to_recordset, so a
 * 500-record packet costs a handful of statements, not 500.
 */
export type PacketStatus = 'received' | 'processing' | 'done' | 'failed';

export interface NewPacket {
  packetId: string;
  receiptId: string;
  sender: string;
  format: 'json' | 'xml';
  payload: Buffer;
  payloadSha256: string;
  signature: Buffer;
  recordCount: number;
  receivedAt: Date;
}

export interface PacketRow {
  packetId: string;
  receiptId: string;
  sender: string;
  payloadSha256: string;
  status: PacketStatus;
  receivedAt: Date;
  completedAt: Date | null;
  error: { code: string; message: string } | null;
}

const PACKET_COLUMNS = `packet_id AS "packetId", receipt_id AS "receiptId", sender, payload_sha256 AS "payloadSha256",
  status, received_at AS "receivedAt", completed_at AS "completedAt", error`;

/** Stores a received packet; false when its packetId is already there (the caller compares hashes). */
export async function insertPacket(q: Queryable, p: NewPacket): Promise<boolean> {
  const res = await q.query(
    `INSERT INTO csdl_simulator.packets
       (packet_id, receipt_id, sender, format, payload, payload_sha256, signature, record_count, status, received_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'received', $9)
     ON CONFLICT (packet_id) DO NOTHING RETURNING packet_id`,
    [p.packetId, p.receiptId, p.sender, p.format, p.payload, p.payloadSha256, p.signature, p.recordCount, p.receivedAt],
  );
  return (res.rowCount ?? 0) > 0;
}

export async function findPacket(q: Queryable, packetId: string): Promise<PacketRow | undefined> {
  const res = await q.query<PacketRow>(`SELECT ${PACKET_COLUMNS} FROM csdl_simulator.packets WHERE packet_id = $1`, [packetId]);
  return res.rows[0];
}

/** A packet locked for processing (its sender and format); undefined when it is already finished. */
export async function lockUnfinishedPacket(
  q: Queryable,
  packetId: string,
): Promise<{ sender: string; format: 'json' | 'xml' } | undefined> {
  // Not the payload: the processor holds the decoded packet it was handed at the push, and
  // reads the payload (packetPayload) only after a restart.
  const res = await q.query<{ sender: string; format: 'json' | 'xml' }>(
    `SELECT sender, format FROM csdl_simulator.packets
     WHERE packet_id = $1 AND status IN ('received', 'processing') FOR UPDATE`,
    [packetId],
  );
  return res.rows[0];
}

export async function markProcessing(q: Queryable, packetId: string, at: Date): Promise<void> {
  await q.query(
    `UPDATE csdl_simulator.packets SET status = 'processing', processing_at = $2
     WHERE packet_id = $1 AND status = 'received'`,
    [packetId, at],
  );
}

export async function completePacket(
  q: Queryable,
  packetId: string,
  status: 'done' | 'failed',
  at: Date,
  error?: { code: string; message: string },
): Promise<void> {
  await q.query(
    `UPDATE csdl_simulator.packets SET status = $2, completed_at = $3, error = $4::jsonb WHERE packet_id = $1`,
    [packetId, status, at, error === undefined ? null : JSON.stringify(error)],
  );
}

/** Packets a stopped simulator left unfinished, oldest first, to process after a restart. */
export async function unfinishedPackets(q: Queryable): Promise<string[]> {
  const res = await q.query<{ packet_id: string }>(
    `SELECT packet_id FROM csdl_simulator.packets WHERE status IN ('received', 'processing') ORDER BY received_at, packet_id`,
  );
  return res.rows.map((r) => r.packet_id);
}

/** The officials held under these numbers, locked until the transaction ends. */
export async function lockHeldOfficials(q: Queryable, soDinhDanhs: string[]): Promise<HeldOfficial[]> {
  const res = await q.query<HeldOfficial>(
    `SELECT so_dinh_danh AS "soDinhDanh", sender, approved_at_text AS "approvedAt", archived
     FROM csdl_simulator.officials WHERE so_dinh_danh = ANY($1::text[])
     ORDER BY so_dinh_danh FOR UPDATE`,
    [soDinhDanhs],
  );
  return res.rows;
}

export async function insertResults(q: Queryable, packetId: string, results: RecordResult[]): Promise<void> {
  const rows = results.map((r, position) => ({
    position,
    so_dinh_danh: r.soDinhDanh,
    approved_at: r.approvedAt ?? null,
    status: r.status,
    errors: r.errors ?? null,
  }));
  await q.query(
    `INSERT INTO csdl_simulator.record_results (packet_id, position, so_dinh_danh, approved_at, status, errors)
     SELECT $1, x.position, x.so_dinh_danh, x.approved_at, x.status, x.errors
     FROM jsonb_to_recordset($2::jsonb) AS x(position integer, so_dinh_danh text, approved_at text, status text, errors jsonb)`,
    [packetId, JSON.stringify(rows)],
  );
}

/** Stores accepted versions: every one in the acceptances log, the last per official in officials. */
export async function storeAccepted(
  q: Queryable,
  packetId: string,
  sender: string,
  accepted: AcceptedVersion[],
  at: Date,
): Promise<void> {
  if (accepted.length === 0) return;
  const log = accepted.map((a) => ({ so_dinh_danh: a.soDinhDanh, approved_at_text: a.approvedAt, operation: a.operation }));
  await q.query(
    `INSERT INTO csdl_simulator.acceptances (so_dinh_danh, approved_at_text, operation, sender, packet_id, accepted_at)
     SELECT x.so_dinh_danh, x.approved_at_text, x.operation, $2, $1, $3
     FROM jsonb_to_recordset($4::jsonb) AS x(so_dinh_danh text, approved_at_text text, operation text)`,
    [packetId, sender, at, JSON.stringify(log)],
  );
  const latest = new Map(accepted.map((a) => [a.soDinhDanh, a]));
  const rows = [...latest.values()].map((a) => ({
    so_dinh_danh: a.soDinhDanh,
    approved_at_text: a.approvedAt,
    archived: a.operation === 'archive',
    position: a.position,
  }));
  await q.query(
    `INSERT INTO csdl_simulator.officials
       (so_dinh_danh, sender, approved_at, approved_at_text, archived, migrated, packet_id, position, record, updated_at)
     SELECT x.so_dinh_danh, $2, x.approved_at_text::timestamptz, x.approved_at_text, x.archived, false, $1, x.position, NULL, $3
     FROM jsonb_to_recordset($4::jsonb) AS x(so_dinh_danh text, approved_at_text text, archived boolean, position integer)
     ON CONFLICT (so_dinh_danh) DO UPDATE SET
       sender = EXCLUDED.sender, approved_at = EXCLUDED.approved_at, approved_at_text = EXCLUDED.approved_at_text,
       archived = EXCLUDED.archived, migrated = false, packet_id = EXCLUDED.packet_id, position = EXCLUDED.position,
       record = NULL, updated_at = EXCLUDED.updated_at`,
    [packetId, sender, at, JSON.stringify(rows)],
  );
}

export async function packetResults(q: Queryable, packetId: string): Promise<RecordResult[]> {
  const res = await q.query<{ so_dinh_danh: string; approved_at: string | null; status: RecordResult['status']; errors: RecordResult['errors'] | null }>(
    `SELECT so_dinh_danh, approved_at, status, errors FROM csdl_simulator.record_results
     WHERE packet_id = $1 ORDER BY position`,
    [packetId],
  );
  return res.rows.map((r) => ({
    soDinhDanh: r.so_dinh_danh,
    ...(r.approved_at === null ? {} : { approvedAt: r.approved_at }),
    status: r.status,
    ...(r.errors === null ? {} : { errors: r.errors }),
  }));
}

export interface HeldRecord {
  soDinhDanh: string;
  sender: string;
  approvedAt: string;
  archived: boolean;
  migrated: boolean;
  record: Record<string, unknown>;
}

/** Where a held record's data lives: inline (seeded) or in a stored packet's payload. */
export interface HeldRow extends Omit<HeldRecord, 'record'> {
  record: Record<string, unknown> | null;
  packetId: string | null;
  position: number | null;
}

export async function findOfficial(q: Queryable, soDinhDanh: string): Promise<HeldRow | undefined> {
  const res = await q.query<HeldRow>(
    `SELECT so_dinh_danh AS "soDinhDanh", sender, approved_at_text AS "approvedAt", archived, migrated, record,
            packet_id AS "packetId", position
     FROM csdl_simulator.officials WHERE so_dinh_danh = $1`,
    [soDinhDanh],
  );
  return res.rows[0];
}

export async function packetPayload(q: Queryable, packetId: string): Promise<{ format: 'json' | 'xml'; payload: Buffer } | undefined> {
  const res = await q.query<{ format: 'json' | 'xml'; payload: Buffer }>(
    `SELECT format, payload FROM csdl_simulator.packets WHERE packet_id = $1`,
    [packetId],
  );
  return res.rows[0];
}

/** Places a record as if an older system had migrated it (operators' and tests' seeding; no acceptance logged). */
export async function seedOfficial(q: Queryable, held: HeldRecord, at: Date): Promise<void> {
  await q.query(
    `INSERT INTO csdl_simulator.officials
       (so_dinh_danh, sender, approved_at, approved_at_text, archived, migrated, packet_id, position, record, updated_at)
     VALUES ($1, $2, $3::text::timestamptz, $3::text, $4, $5, NULL, NULL, $6::jsonb, $7)
     ON CONFLICT (so_dinh_danh) DO UPDATE SET
       sender = EXCLUDED.sender, approved_at = EXCLUDED.approved_at, approved_at_text = EXCLUDED.approved_at_text,
       archived = EXCLUDED.archived, migrated = EXCLUDED.migrated, record = EXCLUDED.record,
       packet_id = NULL, position = NULL, updated_at = EXCLUDED.updated_at`,
    [held.soDinhDanh, held.sender, held.approvedAt, held.archived, held.migrated, JSON.stringify(held.record), at],
  );
}
