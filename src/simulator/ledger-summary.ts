import type { Queryable } from '../db/db.js';

/**
 * What `/_sim/ledger` shows operators and tests: counts by state and the one fact the
 * exactly-once test needs, record versions accepted more than once (which the latest-
 * approvedAt rule must make impossible; a non-empty list means a bug on one side or the other).
 */
export interface LedgerSummary {
  packets: { total: number; received: number; processing: number; done: number; failed: number };
  results: { accepted: number; rejected: number; stale: number };
  officials: { held: number; archived: number; migrated: number };
  acceptances: { total: number; versions: number; repeated: { soDinhDanh: string; approvedAt: string; count: number }[] };
}

export interface PersonHistory {
  soDinhDanh: string;
  acceptances: { approvedAt: string; operation: string; sender: string; packetId: string; acceptedAt: Date }[];
  results: { packetId: string; approvedAt: string | null; status: string; errors: unknown }[];
}

const REPEATED_SHOWN = 100;

function count(row: Record<string, unknown> | undefined, key: string): number {
  return Number(row?.[key] ?? 0);
}

export async function ledgerSummary(q: Queryable): Promise<LedgerSummary> {
  const [packets, results, officials, acceptances, repeated] = await Promise.all([
    q.query(`SELECT count(*) AS total,
        count(*) FILTER (WHERE status = 'received') AS received, count(*) FILTER (WHERE status = 'processing') AS processing,
        count(*) FILTER (WHERE status = 'done') AS done, count(*) FILTER (WHERE status = 'failed') AS failed
      FROM csdl_simulator.packets`),
    q.query(`SELECT count(*) FILTER (WHERE status = 'accepted') AS accepted,
        count(*) FILTER (WHERE status = 'rejected') AS rejected, count(*) FILTER (WHERE status = 'stale') AS stale
      FROM csdl_simulator.record_results`),
    q.query(`SELECT count(*) AS held, count(*) FILTER (WHERE archived) AS archived, count(*) FILTER (WHERE migrated) AS migrated
      FROM csdl_simulator.officials`),
    q.query(`SELECT count(*) AS total, count(DISTINCT (so_dinh_danh, approved_at_text)) AS versions FROM csdl_simulator.acceptances`),
    q.query<{ so_dinh_danh: string; approved_at_text: string; n: string }>(
      `SELECT so_dinh_danh, approved_at_text, count(*) AS n FROM csdl_simulator.acceptances
       GROUP BY so_dinh_danh, approved_at_text HAVING count(*) > 1 ORDER BY so_dinh_danh LIMIT ${REPEATED_SHOWN}`,
    ),
  ]);
  const p = packets.rows[0];
  const r = results.rows[0];
  const o = officials.rows[0];
  const a = acceptances.rows[0];
  return {
    packets: { total: count(p, 'total'), received: count(p, 'received'), processing: count(p, 'processing'), done: count(p, 'done'), failed: count(p, 'failed') },
    results: { accepted: count(r, 'accepted'), rejected: count(r, 'rejected'), stale: count(r, 'stale') },
    officials: { held: count(o, 'held'), archived: count(o, 'archived'), migrated: count(o, 'migrated') },
    acceptances: {
      total: count(a, 'total'),
      versions: count(a, 'versions'),
      repeated: repeated.rows.map((row) => ({ soDinhDanh: row.so_dinh_danh, approvedAt: row.approved_at_text, count: Number(row.n) })),
    },
  };
}

export async function personHistory(q: Queryable, soDinhDanh: string): Promise<PersonHistory> {
  const [acceptances, results] = await Promise.all([
    q.query<{ approvedAt: string; operation: string; sender: string; packetId: string; acceptedAt: Date }>(
      `SELECT approved_at_text AS "approvedAt", operation, sender, packet_id AS "packetId", accepted_at AS "acceptedAt"
       FROM csdl_simulator.acceptances WHERE so_dinh_danh = $1 ORDER BY id`,
      [soDinhDanh],
    ),
    q.query<{ packetId: string; approvedAt: string | null; status: string; errors: unknown }>(
      `SELECT r.packet_id AS "packetId", r.approved_at AS "approvedAt", r.status, r.errors
       FROM csdl_simulator.record_results r JOIN csdl_simulator.packets p USING (packet_id)
       WHERE r.so_dinh_danh = $1 ORDER BY p.received_at, r.packet_id, r.position`,
      [soDinhDanh],
    ),
  ]);
  return { soDinhDanh, acceptances: acceptances.rows, results: results.rows };
}
