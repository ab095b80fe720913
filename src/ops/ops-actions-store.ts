import type { Db } from '../db/db.js';

/**
 * What an operator acts on, read from the outbox: the versions failing and the packets
 * needing a person. Failing is migration 011's failing_versions, the one definition the
 * summary, /metrics and /readyz read too: `rejected` or `invalid`, not settled, and still the
 * person's latest (fixing the data in the provincial database and approving it again ends the
 * failure without any operator action).
 */
const S = 'csdl_gateway';

export interface FailingVersion {
  id: string;
  vendorId: string;
  soDinhDanh: string | undefined;
  status: 'rejected' | 'invalid';
  approvedAt: string;
  packetId: string | undefined;
  errors: { code: string; path: string; message: string }[];
}

export interface PacketNeedingAction {
  packetId: string;
  status: 'pending' | 'failed';
  nationalCode: string | undefined;
  lastError: string | undefined;
  /** Versions still waiting in the packet (a failed one keeps them until released). */
  inPacket: number;
}

export function createOpsActionsStore(db: Db) {
  return {
    /** How many versions are failing: the number an operator brings to zero. */
    async failingCount(): Promise<number> {
      const res = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${S}.failing_versions v`);
      return res.rows[0]?.n ?? 0;
    },

    async failingVersions(limit = 100): Promise<FailingVersion[]> {
      const res = await db.query<{
        id: string; vendor_id: string; so_dinh_danh: string | null; status: 'rejected' | 'invalid'; approved_at: Date;
        packet_id: string | null; errors: FailingVersion['errors'] | null;
      }>(
        `SELECT v.id::text, v.vendor_id, v.so_dinh_danh, v.status, v.approved_at, v.packet_id::text, v.errors
           FROM ${S}.failing_versions v ORDER BY v.id DESC LIMIT $1`,
        [limit],
      );
      return res.rows.map((r) => ({
        id: r.id, vendorId: r.vendor_id, soDinhDanh: r.so_dinh_danh ?? undefined, status: r.status,
        approvedAt: r.approved_at.toISOString(), packetId: r.packet_id ?? undefined, errors: r.errors ?? [],
      }));
    },

    /**
     * Packets a person should look at: pending after an error (the national side was
     * unavailable: retry sends the same bytes) and failed with their versions still in them
     * (refused whole: retry releases them into new packets).
     */
    async packetsNeedingAction(): Promise<PacketNeedingAction[]> {
      const res = await db.query<{ packet_id: string; status: 'pending' | 'failed'; national_code: string | null; last_error: string | null; in_packet: number }>(
        `SELECT p.packet_id::text, p.status, p.national_code, p.last_error, count(v.id)::int AS in_packet
           FROM ${S}.packets p LEFT JOIN ${S}.record_versions v ON v.packet_id = p.packet_id AND v.status = 'in_packet'
          WHERE (p.status = 'pending' AND p.last_error IS NOT NULL) OR (p.status = 'failed' AND p.released_at IS NULL)
          GROUP BY p.packet_id HAVING p.status = 'pending' OR count(v.id) > 0
          ORDER BY p.created_at, p.packet_id`,
      );
      return res.rows.map((r) => ({
        packetId: r.packet_id, status: r.status, nationalCode: r.national_code ?? undefined, lastError: r.last_error ?? undefined, inPacket: r.in_packet,
      }));
    },
  };
}

export type OpsActionsStore = ReturnType<typeof createOpsActionsStore>;
