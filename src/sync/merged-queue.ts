import type { Queryable } from '../db/db.js';
import type { QueuedVersion, RecordVersion } from '../outbox/outbox-types.js';

const S = 'csdl_gateway';

/**
 * The queue of a merged sync, packed once every source is read (merged-sync-service.ts),
 * without reading back the record text the run itself recorded: the store gives each queued
 * version's light fields (its status decides, as before, what is packed: a person held since
 * is not), and the record text comes from what the run kept in memory when it recorded the
 * version, up to a bound (`maxChars`); the rest (older runs', or past the bound) is read from
 * the store. The store's record column is `json` (migration 003): it keeps the text as given,
 * so a packet's bytes are the same either way.
 */
export interface KeptRecords {
  /** Keeps the record text of the versions `source` recorded as queued in this run. */
  keep(source: string, versions: readonly RecordVersion[]): void;
  /** The queued versions after `after`, `limit` at most, in the order recorded (the store's). */
  queued(limit: number, after: string | undefined): Promise<QueuedVersion[]>;
  /** How many versions were packed from memory and from the store (for the debug log). */
  readonly counts: { fromMemory: number; fromStore: number };
}

interface QueuedHead {
  id: string; source: string; vendor_id: string; approval_id: string; so_dinh_danh: string; operation: 'upsert' | 'archive';
  approved_at: Date; approved_by_unit: string | null; record_hash: string; this_run: boolean;
}

const keyOf = (source: string, vendorId: string, approvalId: string, hash: string): string => `${source}\u0000${vendorId}\u0000${approvalId}\u0000${hash}`;

export function keptRecords(db: Queryable, runId: string, maxChars: number): KeptRecords {
  const texts = new Map<string, string>();
  let chars = 0;
  const counts = { fromMemory: 0, fromStore: 0 };
  return {
    counts,
    keep(source, versions) {
      for (const v of versions) {
        if (v.status !== 'queued' || v.recordJson === undefined || v.recordHash === undefined) continue;
        if (chars + v.recordJson.length > maxChars) return;
        chars += v.recordJson.length;
        texts.set(keyOf(v.source ?? source, v.vendorId, v.approvalId, v.recordHash), v.recordJson);
      }
    },
    async queued(limit, after) {
      const heads = await db.query<QueuedHead>(
        `SELECT id::text, source, vendor_id, approval_id::text, so_dinh_danh, operation, approved_at, approved_by_unit, record_hash,
                sync_run_id IS NOT DISTINCT FROM $3::bigint AS this_run
           FROM ${S}.record_versions v WHERE status = 'queued' AND v.id > $2::bigint ORDER BY v.id LIMIT $1`,
        [limit, after ?? '0', runId],
      );
      const text = new Map<string, string>();
      const missing: string[] = [];
      for (const h of heads.rows) {
        const key = keyOf(h.source, h.vendor_id, h.approval_id, h.record_hash);
        const kept = h.this_run ? texts.get(key) : undefined;
        if (kept === undefined) missing.push(h.id);
        else {
          text.set(h.id, kept);
          texts.delete(key); // packed once: its memory goes back
        }
      }
      if (missing.length > 0) {
        const read = await db.query<{ id: string; record_json: string | null }>(
          `SELECT id::text, record::text AS record_json FROM ${S}.record_versions WHERE id = ANY($1::bigint[])`, [missing]);
        for (const r of read.rows) if (r.record_json !== null) text.set(r.id, r.record_json);
      }
      counts.fromMemory += heads.rows.length - missing.length;
      counts.fromStore += missing.length;
      return heads.rows.map((r) => ({
        id: r.id, source: r.source, vendorId: r.vendor_id, approvalId: r.approval_id, soDinhDanh: r.so_dinh_danh, operation: r.operation,
        approvedAt: r.approved_at.toISOString(), approvedByUnit: r.approved_by_unit ?? undefined, recordHash: r.record_hash, recordJson: text.get(r.id) ?? 'null',
      }));
    },
  };
}
