import type { Db, Queryable } from '../db/db.js';
import type { RecordResult } from '../ndxp/receipt-shape.js';
import { packetNotFound, recordsChanged } from './outbox-error.js';
import type {
  AttemptRow, PersonState, QueuedVersion, RecordVersion, ReturnedRecord, StoredPacket, TakenIn,
} from './outbox-types.js';
import { requeueRecords } from './requeue-records.js';

/** The source of a one-database province, and of every row stored before sources existed. */
export const DEFAULT_SOURCE = 'default';

/**
 * Every statement the outbox runs, in named functions over the `Db` interface. Each state
 * change that must be atomic (queueing versions with their person state, storing a packet
 * with its records, landing a receipt's results) is one transaction here.
 */
const S = 'csdl_gateway';

/**
 * A version is recorded once; the one exception is a version the gateway itself refused
 * (`invalid`), which the sync maps again after a mapping change (migration 009) and which
 * then takes the new outcome in place. Any other existing row is left alone, so storePacket
 * still sees a version that changed meanwhile and refuses the packet.
 */
const REMAP_INVALID = `ON CONFLICT (source, vendor_id, approval_id, resend) DO UPDATE
  SET so_dinh_danh = EXCLUDED.so_dinh_danh, operation = EXCLUDED.operation, approved_by_unit = EXCLUDED.approved_by_unit,
      status = EXCLUDED.status, record_hash = EXCLUDED.record_hash, record = EXCLUDED.record, errors = EXCLUDED.errors,
      packet_id = EXCLUDED.packet_id, sync_run_id = EXCLUDED.sync_run_id, mapping_fingerprint = EXCLUDED.mapping_fingerprint,
      updated_at = now()
  WHERE ${S}.record_versions.status = 'invalid'`;

/**
 * `source` is the provincial database whose people this store's due scan and recording speak
 * for (migration 015; 'default' for a one-database province). What concerns packets (the
 * queue, storing, sending, receipts) is the same for every source: one stream of packets.
 */
export function createOutboxStore(db: Db, source: string = DEFAULT_SOURCE) {
  return {
    source,

    async startRun(dryRun: boolean): Promise<string> {
      const res = await db.query<{ id: string }>(`INSERT INTO ${S}.sync_runs (dry_run) VALUES ($1) RETURNING id::text`, [dryRun]);
      return res.rows[0]!.id;
    },

    async finishRun(id: string, status: 'finished' | 'failed', summary: unknown, error?: string): Promise<void> {
      await db.query(
        `UPDATE ${S}.sync_runs SET finished_at = now(), status = $2, summary = $3, error = $4 WHERE id = $1`,
        [id, status, JSON.stringify(summary), error ?? null],
      );
    },

    /** With the mapping that refused the latest version, when it was `invalid` (re-evaluation, migration 009). */
    async personStates(vendorIds: string[]): Promise<Map<string, PersonState>> {
      const res = await db.query<{ vendor_id: string; last_approval_id: string; accepted_hash: string | null; refused_under: string | null }>(
        `SELECT s.vendor_id, s.last_approval_id::text, s.accepted_hash,
                CASE WHEN v.status = 'invalid' THEN coalesce(v.mapping_fingerprint, '') END AS refused_under
           FROM ${S}.person_state s
           LEFT JOIN ${S}.record_versions v ON v.source = s.source AND v.vendor_id = s.vendor_id AND v.approval_id = s.last_approval_id
          WHERE s.source = $2 AND s.vendor_id = ANY($1::text[])`,
        [vendorIds, source],
      );
      return new Map(res.rows.map((r) => [r.vendor_id, {
        lastApprovalId: r.last_approval_id, acceptedHash: r.accepted_hash ?? undefined,
        ...(r.refused_under === null ? {} : { refusedUnder: r.refused_under }),
      }]));
    },

    /**
     * What the gateway took in of this source, for the due scan to compare each approval head
     * with (src/sync/sync-collect.ts, due-rule.ts): every person's last approval taken in and,
     * where the gateway refused that approval's version (`invalid`), the fingerprint of the
     * mapping that refused it ('' when recorded before fingerprints were kept). Read whole,
     * beside the provincial database's heads rather than after them (as the no-change floor
     * reads its two sides), as two JSON texts parsed natively: 100,000 people are two values,
     * not 100,000 rows. The refused versions come from the partial index of migration 010.
     */
    async takenIn(): Promise<TakenIn> {
      const res = await db.query<{ taken: string; refused: string }>(
        `SELECT (SELECT coalesce(json_object_agg(s.vendor_id, s.last_approval_id::text), '{}')
                   FROM ${S}.person_state s WHERE s.source = $1)::text AS taken,
                (SELECT coalesce(json_agg(json_build_array(i.vendor_id, i.approval_id::text, coalesce(i.mapping_fingerprint, ''))), '[]')
                   FROM ${S}.record_versions i WHERE i.source = $1 AND i.listed_status = 'invalid')::text AS refused`,
        [source],
      );
      const row = res.rows[0]!;
      // One object keyed by vendor id: 20,000 parse in 4-8 ms, where 20,000 [id, approval] pairs
      // into a Map took 23-46 ms. Looked up by own property only.
      const last = JSON.parse(row.taken) as Record<string, string>;
      const refused = new Map<string, string>();
      for (const [vendorId, approvalId, fingerprint] of JSON.parse(row.refused) as [string, string, string][]) {
        if (Object.hasOwn(last, vendorId) && last[vendorId] === approvalId) refused.set(vendorId, fingerprint);
      }
      return {
        get(vendorId) {
          if (!Object.hasOwn(last, vendorId)) return undefined;
          const fingerprint = refused.get(vendorId);
          return fingerprint === undefined ? { lastApprovalId: last[vendorId]! } : { lastApprovalId: last[vendorId]!, refusedUnder: fingerprint };
        },
      };
    },

    /**
     * Records versions once each (a repeat after a crash adds nothing) and advances person
     * state, in one transaction. The sync records its invalid and unchanged versions here (a
     * valid one goes in with its packet, storePacket); a `queued` one keeps its record text,
     * to be packed from. An `unchanged` one is stored without it: nothing reads it (its hash
     * is what the unchanged check compares), and it would be ~5 KB per person per approval.
     * The chunk travels as one JSON parameter: pg's escaping of a jsonb[] array cost 33 s per
     * 100,000 records.
     */
    async recordVersions(runId: string, versions: RecordVersion[]): Promise<void> {
      if (versions.length === 0) return;
      await db.transaction((tx) => recordVersionsWithin(tx, source, runId, versions));
    },

    /** The oldest `limit` versions left queued; with `after`, those recorded after that version id (a read ahead of packing). */
    async queued(limit: number, after?: string): Promise<QueuedVersion[]> {
      const res = await db.query<{
        id: string; source: string; vendor_id: string; approval_id: string; so_dinh_danh: string; operation: 'upsert' | 'archive';
        approved_at: Date; approved_by_unit: string | null; record_hash: string; record_json: string;
      }>(
        `SELECT id::text, source, vendor_id, approval_id::text, so_dinh_danh, operation, approved_at, approved_by_unit, record_hash, record::text AS record_json
           FROM ${S}.record_versions v WHERE listed_status = 'queued' AND v.id > $2::bigint ORDER BY v.id LIMIT $1`,
        [limit, after ?? '0'],
      );
      return res.rows.map((r) => ({
        id: r.id, source: r.source, vendorId: r.vendor_id, approvalId: r.approval_id, soDinhDanh: r.so_dinh_danh, operation: r.operation,
        approvedAt: r.approved_at.toISOString(), approvedByUnit: r.approved_by_unit ?? undefined, recordHash: r.record_hash, recordJson: r.record_json,
      }));
    },

    /**
     * Stores a signed packet with its records, atomically, before any send: versions left
     * queued (`recordIds`) move into it; versions new this run (`newVersions`) are recorded
     * straight into it, without their record (the envelope holds it), and advance their
     * person's state. Refused whole if any version changed meanwhile. `runId` is undefined
     * for a packet an operator's action built, outside any sync run.
     */
    async storePacket(runId: string | undefined, p: {
      packetId: string; format: string; envelope: Buffer; payloadSha256: string; payloadBytes: number; signer: string;
      recordIds: string[]; newVersions?: QueuedVersion[];
    }): Promise<void> {
      const fresh = p.newVersions ?? [];
      await db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO ${S}.packets (packet_id, sync_run_id, status, format, envelope, payload_sha256, payload_bytes, record_count, signer)
           VALUES ($1, $2, 'pending', $3, $4, $5, $6, $7, $8)`,
          [p.packetId, runId ?? null, p.format, p.envelope, p.payloadSha256, p.payloadBytes, p.recordIds.length + fresh.length, p.signer],
        );
        if (p.recordIds.length > 0) {
          const moved = await tx.query(
            `UPDATE ${S}.record_versions SET status = 'in_packet', packet_id = $1, updated_at = now()
              WHERE id = ANY($2::bigint[]) AND status = 'queued'`,
            [p.packetId, p.recordIds],
          );
          if (moved.rowCount !== p.recordIds.length) throw recordsChanged(p.packetId);
        }
        if (fresh.length > 0) {
          const rows = JSON.stringify(fresh.map((v) => ({
            source: v.source ?? source, vendor_id: v.vendorId, approval_id: v.approvalId, so_dinh_danh: v.soDinhDanh, operation: v.operation,
            approved_at: v.approvedAt, approved_by_unit: v.approvedByUnit ?? null, record_hash: v.recordHash,
            mapping_fingerprint: v.mappingFingerprint ?? null,
          })));
          const added = await tx.query(
            `INSERT INTO ${S}.record_versions
               (source, vendor_id, approval_id, so_dinh_danh, operation, approved_at, approved_by_unit, status, record_hash, packet_id, sync_run_id, mapping_fingerprint)
             SELECT v.source, v.vendor_id, v.approval_id, v.so_dinh_danh, v.operation, v.approved_at, v.approved_by_unit, 'in_packet', v.record_hash, $2, $3, v.mapping_fingerprint
               FROM json_to_recordset($1::json) AS v(source text, vendor_id text, approval_id bigint, so_dinh_danh text, operation text,
                    approved_at timestamptz, approved_by_unit text, record_hash text, mapping_fingerprint text)
             ${REMAP_INVALID}`,
            [rows, p.packetId, runId ?? null],
          );
          if (added.rowCount !== fresh.length) throw recordsChanged(p.packetId);
          await advancePersons(tx, rows);
        }
      });
    },

    async storePreview(runId: string, p: { packetId: string; format: string; envelope: Buffer; recordCount: number }): Promise<void> {
      await db.query(
        `INSERT INTO ${S}.packet_previews (packet_id, sync_run_id, format, envelope, record_count) VALUES ($1, $2, $3, $4, $5)`,
        [p.packetId, runId, p.format, p.envelope, p.recordCount],
      );
    },

    /** Packets in a state, oldest first, without their bytes (a full sync holds ~200 MB of them). */
    async packetsIn(status: 'pending' | 'sent'): Promise<StoredPacket[]> {
      const res = await db.query<{ packet_id: string; record_count: number }>(
        `SELECT packet_id::text, record_count FROM ${S}.packets WHERE status = $1 ORDER BY created_at, packet_id`,
        [status],
      );
      return res.rows.map((r) => ({ packetId: r.packet_id, recordCount: r.record_count }));
    },

    /** The exact envelope bytes stored for a packet, as first signed. */
    async envelopeOf(packetId: string): Promise<Buffer> {
      const res = await db.query<{ envelope: Buffer }>(`SELECT envelope FROM ${S}.packets WHERE packet_id = $1`, [packetId]);
      const row = res.rows[0];
      if (!row) throw packetNotFound(packetId);
      return row.envelope;
    },

    async recordAttempt(a: AttemptRow): Promise<void> {
      await db.query(
        `INSERT INTO ${S}.send_attempts (packet_id, operation, started_at, duration_ms, http_status, national_code, request_id, error)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [a.packetId ?? null, a.operation, a.startedAt, Math.round(a.durationMs), a.httpStatus ?? null, a.nationalCode ?? null, a.requestId, a.error ?? null],
      );
    },

    async markSent(packetId: string, receiptId: string): Promise<void> {
      await db.query(
        `UPDATE ${S}.packets SET status = 'sent', sent_at = COALESCE(sent_at, now()), receipt_id = $2, last_error = NULL
          WHERE packet_id = $1 AND status = 'pending'`,
        [packetId, receiptId],
      );
    },

    async noteError(packetId: string, error: string): Promise<void> {
      await db.query(`UPDATE ${S}.packets SET last_error = $2 WHERE packet_id = $1`, [packetId, error]);
    },

    async markFailed(packetId: string, nationalCode: string | undefined, error: string): Promise<void> {
      await db.query(
        `UPDATE ${S}.packets SET status = 'failed', completed_at = now(), national_code = $2, last_error = $3
          WHERE packet_id = $1 AND status IN ('pending', 'sent')`,
        [packetId, nationalCode ?? null, error],
      );
    },

    /** A `done` receipt: every record's result, accepted hashes, the packet done; one transaction. */
    async completePacket(packetId: string, receipt: unknown, results: RecordResult[]): Promise<void> {
      await db.transaction(async (tx) => {
        await saveReceipt(tx, packetId, 'done', receipt);
        // A result names its record by số định danh and approvedAt (a person may have two
        // versions in one packet after a failed receipt put one back in the queue). The
        // versions this receipt accepted set their persons' accepted hash in the same
        // statement, from what the UPDATE returns rather than by reading the packet again.
        await tx.query(
          `WITH settled AS (
             UPDATE ${S}.record_versions v SET status = r.status, errors = r.errors, updated_at = now()
               FROM unnest($2::text[], $3::text[], $4::jsonb[], $5::timestamptz[]) AS r(so_dinh_danh, status, errors, approved_at)
              WHERE v.packet_id = $1 AND v.so_dinh_danh = r.so_dinh_danh AND v.status = 'in_packet'
                AND (r.approved_at IS NULL OR v.approved_at = r.approved_at)
             RETURNING v.source, v.vendor_id, v.record_hash, v.status)
           UPDATE ${S}.person_state s SET accepted_hash = a.record_hash, accepted_at = now(), updated_at = now()
             FROM settled a WHERE a.status = 'accepted' AND s.source = a.source AND s.vendor_id = a.vendor_id`,
          [packetId, results.map((r) => r.soDinhDanh), results.map((r) => r.status),
            results.map((r) => (r.errors ? JSON.stringify(r.errors) : null)),
            // An empty approvedAt, like none, names no time.
            results.map((r) => r.approvedAt || null)],
        );
        await tx.query(`UPDATE ${S}.packets SET status = 'done', completed_at = now() WHERE packet_id = $1`, [packetId]);
      });
    },

    /**
     * A `failed` receipt: nothing was stored nationally; its records go back to the queue,
     * each with its record text (`returned`, decoded from the envelope by the caller) so it
     * can be packed again. Throws OutboxError `outbox.records_unmatched`, changing nothing,
     * when `returned` leaves one of the packet's versions unnamed.
     */
    async failPacketFromReceipt(packetId: string, receipt: unknown, code: string | undefined, message: string, returned: ReturnedRecord[]): Promise<void> {
      await db.transaction(async (tx) => {
        await saveReceipt(tx, packetId, 'failed', receipt);
        await requeueRecords(tx, packetId, returned);
        await tx.query(
          `UPDATE ${S}.packets SET status = 'failed', completed_at = now(), national_code = $2, last_error = $3 WHERE packet_id = $1`,
          [packetId, code ?? null, message],
        );
      });
    },
  };
}

/**
 * recordVersions' statements, inside the caller's transaction (the ownership of a merged
 * province's people is decided and recorded in the same one: src/sources/ownership-store.ts).
 * A `queued` or `held` version keeps its record text, to be packed from.
 */
export async function recordVersionsWithin(tx: Queryable, source: string, runId: string, versions: RecordVersion[]): Promise<void> {
  if (versions.length === 0) return;
  const rows = `[${versions.map((v) => {
    const row = JSON.stringify({
      vendor_id: v.vendorId, approval_id: v.approvalId, so_dinh_danh: v.soDinhDanh ?? null, operation: v.operation,
      approved_at: v.approvedAt, approved_by_unit: v.approvedByUnit ?? null, status: v.status,
      record_hash: v.recordHash ?? null, errors: v.errors ?? null, mapping_fingerprint: v.mappingFingerprint ?? null, source: v.source ?? source,
    });
    // The record's JSON text goes in as it is, not serialised a second time.
    const record = v.status === 'queued' || v.status === 'held' ? v.recordJson : undefined;
    return `${row.slice(0, -1)},"record":${record ?? 'null'}}`;
  }).join(',')}]`;
  // Person state needs three fields: a small parameter of its own, not the records again.
  const heads = JSON.stringify(versions.map((v) => ({ source: v.source ?? source, vendor_id: v.vendorId, approval_id: v.approvalId, so_dinh_danh: v.soDinhDanh ?? null })));
  await tx.query(
    `INSERT INTO ${S}.record_versions
       (source, vendor_id, approval_id, so_dinh_danh, operation, approved_at, approved_by_unit, status, record_hash, record, errors, sync_run_id, mapping_fingerprint)
     SELECT v.source, v.vendor_id, v.approval_id, v.so_dinh_danh, v.operation, v.approved_at, v.approved_by_unit, v.status,
            v.record_hash, v.record, v.errors, $2, v.mapping_fingerprint
       FROM json_to_recordset($1::json) AS v(source text, vendor_id text, approval_id bigint, so_dinh_danh text, operation text,
            approved_at timestamptz, approved_by_unit text, status text, record_hash text, record json, errors jsonb, mapping_fingerprint text)
     ${REMAP_INVALID}`,
    [rows, runId],
  );
  await advancePersons(tx, heads);
}

/** Person state follows the newest approval recorded for each person in `rows` (JSON). */
async function advancePersons(tx: Queryable, rows: string): Promise<void> {
  await tx.query(
    `INSERT INTO ${S}.person_state (source, vendor_id, last_approval_id, so_dinh_danh)
     SELECT v.source, v.vendor_id, max(v.approval_id), max(v.so_dinh_danh)
       FROM json_to_recordset($1::json) AS v(source text, vendor_id text, approval_id bigint, so_dinh_danh text)
      GROUP BY v.source, v.vendor_id
     ON CONFLICT (source, vendor_id) DO UPDATE
       SET last_approval_id = GREATEST(${S}.person_state.last_approval_id, EXCLUDED.last_approval_id),
           so_dinh_danh = COALESCE(EXCLUDED.so_dinh_danh, ${S}.person_state.so_dinh_danh), updated_at = now()`,
    [rows],
  );
}

async function saveReceipt(tx: Queryable, packetId: string, status: string, receipt: unknown): Promise<void> {
  await tx.query(
    `INSERT INTO ${S}.receipts (packet_id, status, receipt) VALUES ($1, $2, $3)
     ON CONFLICT (packet_id) DO UPDATE SET status = EXCLUDED.status, receipt = EXCLUDED.receipt, received_at = now()`,
    [packetId, status, JSON.stringify(receipt)],
  );
}

export type OutboxStore = ReturnType<typeof createOutboxStore>;
