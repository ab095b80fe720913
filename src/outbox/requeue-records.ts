import type { Queryable } from '../db/db.js';
import { OutboxError } from './outbox-error.js';
import type { ReturnedRecord } from './outbox-types.js';

/**
 * A packet's versions back to the queue, each with its record text (`returned`, decoded from
 * the packet's envelope by the caller) so it can be packed again into a new packet: for a
 * failed receipt, an operator's release of a packet refused whole, or a cancelled packet.
 * Runs inside the caller's transaction; returns the số định danh of the versions queued.
 * Throws `outbox.records_unmatched` when `returned` leaves one of the packet's versions
 * unnamed, so that the transaction changes nothing.
 */
export async function requeueRecords(tx: Queryable, packetId: string, returned: ReturnedRecord[]): Promise<string[]> {
  const moved = await tx.query<{ so_dinh_danh: string }>(
    `UPDATE csdl_gateway.record_versions v SET status = 'queued', packet_id = NULL, record = COALESCE(r.record_text::json, v.record), updated_at = now()
       FROM unnest($2::text[], $3::timestamptz[], $4::text[]) AS r(so_dinh_danh, approved_at, record_text)
      WHERE v.packet_id = $1 AND v.status = 'in_packet' AND v.so_dinh_danh = r.so_dinh_danh AND v.approved_at = r.approved_at
      RETURNING v.so_dinh_danh`,
    [packetId, returned.map((r) => r.soDinhDanh), returned.map((r) => r.approvedAt), returned.map((r) => r.recordJson)],
  );
  // A version the envelope did not name (none should exist) has no record to be packed
  // again with (one new this run was stored without it): refuse rather than queue it
  // bare, which would send "data": null.
  const unmatched = await tx.query<{ so_dinh_danh: string | null; approved_at: Date }>(
    `SELECT so_dinh_danh, approved_at FROM csdl_gateway.record_versions WHERE packet_id = $1 AND status = 'in_packet' ORDER BY id`,
    [packetId],
  );
  if (unmatched.rows.length > 0) {
    const named = unmatched.rows.slice(0, 5).map((r) => `${r.so_dinh_danh ?? '?'}@${r.approved_at.toISOString()}`).join(', ');
    throw new OutboxError(
      'outbox.records_unmatched',
      `packet ${packetId}: ${unmatched.rows.length} record version(s) not named by its envelope (${named}); nothing queued again`,
    );
  }
  return moved.rows.map((r) => r.so_dinh_danh);
}
