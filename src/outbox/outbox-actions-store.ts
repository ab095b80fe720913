import type { Db, Queryable } from '../db/db.js';
import { OutboxError, packetNotFound } from './outbox-error.js';
import type { PacketStatus, QueuedVersion, RecordStatus, ReturnedRecord } from './outbox-types.js';
import { resolvePacketId } from './packet-prefix.js';
import { requeueRecords } from './requeue-records.js';

/**
 * The outbox's state changes an operator makes (docs/decisions/outbox.md, "Operators'
 * actions"): release a refused packet's records, cancel a pending packet, settle a failing
 * version, queue a re-send. A stored packet's bytes are never edited: a release or a cancel
 * only moves its versions back to the queue, for a new packet. Each change is one
 * transaction and refuses (404, 409) when the packet or version is not where it must be.
 * `within` runs last in that transaction (the operator's audit entry), so the change and
 * what it adds commit together or not at all; it is told the people the change touched.
 */
const S = 'csdl_gateway';

export interface PacketForAction {
  packetId: string;
  status: PacketStatus;
  nationalCode: string | undefined;
  lastError: string | undefined;
  /** Versions still in the packet, waiting on its fate. */
  inPacket: number;
}

export interface OperatorNote {
  actor: string;
  reason: string;
}

function stateConflict(message: string): OutboxError {
  return new OutboxError('outbox.state_conflict', message, { status: 409 });
}

function versionNotFound(id: string): OutboxError {
  return new OutboxError('outbox.record_not_found', `record version ${id} is not in the outbox`, { status: 404 });
}

/** Runs last in a change's transaction, told the số định danh the change touched. */
export type Within = (tx: Queryable, people: string[]) => Promise<void>;

const nothing: Within = async () => undefined;

export function createOutboxActionsStore(db: Db) {
  return {
    /** The whole id of the packet `given` names: its id, or a unique prefix of it. */
    resolvePacketId: (given: string): Promise<string> => resolvePacketId(db, given),

    async packetForAction(packetId: string): Promise<PacketForAction> {
      const res = await db.query<{ status: PacketStatus; national_code: string | null; last_error: string | null; in_packet: number }>(
        `SELECT p.status, p.national_code, p.last_error,
                (SELECT count(*)::int FROM ${S}.record_versions v WHERE v.packet_id = p.packet_id AND v.status = 'in_packet') AS in_packet
           FROM ${S}.packets p WHERE p.packet_id = $1`,
        [packetId],
      );
      const row = res.rows[0];
      if (!row) throw packetNotFound(packetId);
      return { packetId, status: row.status, nationalCode: row.national_code ?? undefined, lastError: row.last_error ?? undefined, inPacket: row.in_packet };
    },

    /**
     * The versions of a packet the national side refused whole (status `failed`, versions
     * still `in_packet`) back to the queue; the packet stays `failed`, noted as released.
     * Returns the số định danh of the versions queued.
     */
    async releaseFailedPacket(packetId: string, returned: ReturnedRecord[], note: OperatorNote, within: Within = nothing): Promise<string[]> {
      return db.transaction(async (tx) => {
        const marked = await tx.query(
          `UPDATE ${S}.packets SET released_at = now(), released_by = $2, release_reason = $3
            WHERE packet_id = $1 AND status = 'failed' AND released_at IS NULL`,
          [packetId, note.actor, note.reason],
        );
        if (marked.rowCount !== 1) throw stateConflict(`packet ${packetId} is not a failed packet with records to release`);
        const queued = await requeueRecords(tx, packetId, returned);
        await within(tx, queued);
        return queued;
      });
    },

    /** A pending packet cancelled (never to be posted again), its versions back to the queue. */
    async cancelPendingPacket(packetId: string, returned: ReturnedRecord[], note: OperatorNote, within: Within = nothing): Promise<string[]> {
      return db.transaction(async (tx) => {
        const marked = await tx.query(
          `UPDATE ${S}.packets SET status = 'cancelled', completed_at = now(), cancelled_by = $2, cancel_reason = $3
            WHERE packet_id = $1 AND status = 'pending'`,
          [packetId, note.actor, note.reason],
        );
        if (marked.rowCount !== 1) throw stateConflict(`packet ${packetId} is not pending: only a pending packet can be cancelled`);
        const queued = await requeueRecords(tx, packetId, returned);
        await within(tx, queued);
        return queued;
      });
    },

    /**
     * A rejected or invalid version settled: it keeps its state and errors, and no longer
     * counts as failing. Returns its số định danh (undefined when it had none).
     */
    async settleVersion(id: string, note: OperatorNote, within: Within = nothing): Promise<{ soDinhDanh: string | undefined }> {
      if (!/^[0-9]{1,18}$/.test(id)) throw versionNotFound(id);
      const settled = await db.transaction(async (tx) => {
        const res = await tx.query<{ so_dinh_danh: string | null }>(
          `UPDATE ${S}.record_versions SET settled_at = now(), settled_by = $2, settle_reason = $3, updated_at = now()
            WHERE id = $1 AND status IN ('rejected', 'invalid') AND settled_at IS NULL
            RETURNING so_dinh_danh`,
          [id, note.actor, note.reason],
        );
        const row = res.rows[0];
        if (!row) return undefined;
        await within(tx, row.so_dinh_danh ? [row.so_dinh_danh] : []);
        return { soDinhDanh: row.so_dinh_danh ?? undefined };
      });
      if (settled) return settled;
      const found = await db.query<{ status: RecordStatus; settled: boolean }>(
        `SELECT status, settled_at IS NOT NULL AS settled FROM ${S}.record_versions WHERE id = $1`,
        [id],
      );
      const version = found.rows[0];
      if (!version) throw versionNotFound(id);
      throw stateConflict(version.settled
        ? `record version ${id} is settled already`
        : `record version ${id} is ${version.status}: only a rejected or invalid version can be settled`);
    },

    /** Versions waiting in the queue for a packet. */
    async queuedCount(): Promise<number> {
      const res = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${S}.record_versions WHERE listed_status = 'queued'`);
      return res.rows[0]?.n ?? 0;
    },

    /** The vendor id the gateway knows a số định danh by in `source` (from what it took in), if any. */
    async vendorOf(soDinhDanh: string, source: string = 'default'): Promise<string | undefined> {
      const res = await db.query<{ vendor_id: string }>(
        `SELECT vendor_id FROM ${S}.person_state WHERE so_dinh_danh = $1 AND source = $2 ORDER BY updated_at DESC LIMIT 1`,
        [soDinhDanh, source],
      );
      return res.rows[0]?.vendor_id;
    },

    /**
     * The person's current data as a new version of `version.approvalId`, numbered after the
     * versions of that approval already taken in, queued with its record to be packed once.
     * Refused (409) while a version of the person is still queued or in an open packet: that
     * one is on its way already. Returns the new version's id.
     */
    async queueResend(version: Omit<QueuedVersion, 'id'>, note: OperatorNote, within: Within = nothing): Promise<string> {
      return db.transaction(async (tx) => {
        const open = await tx.query(
          `SELECT 1 FROM ${S}.record_versions v LEFT JOIN ${S}.packets p USING (packet_id)
            WHERE v.source = $2 AND v.vendor_id = $1 AND (v.status = 'queued' OR (v.status = 'in_packet' AND p.status IN ('pending', 'sent'))) LIMIT 1`,
          [version.vendorId, version.source ?? 'default'],
        );
        if (open.rows.length > 0) throw stateConflict('a version of this person is already queued or in an open packet');
        const res = await tx.query<{ id: string }>(
          `INSERT INTO ${S}.record_versions
             (source, vendor_id, approval_id, resend, so_dinh_danh, operation, approved_at, approved_by_unit, status, record_hash, record, mapping_fingerprint,
              resent_by, resend_reason)
           SELECT $12, $1, $2, coalesce(max(resend), 0) + 1, $3, $4, $5, $6, 'queued', $7, $8::json, $9, $10, $11
             FROM ${S}.record_versions WHERE source = $12 AND vendor_id = $1 AND approval_id = $2
           RETURNING id::text`,
          [version.vendorId, version.approvalId, version.soDinhDanh, version.operation, version.approvedAt,
            version.approvedByUnit ?? null, version.recordHash, version.recordJson, version.mappingFingerprint ?? null, note.actor, note.reason,
            version.source ?? 'default'],
        );
        await within(tx, version.soDinhDanh ? [version.soDinhDanh] : []);
        return res.rows[0]!.id;
      });
    },
  };
}

export type OutboxActionsStore = ReturnType<typeof createOutboxActionsStore>;
