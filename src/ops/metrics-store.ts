import type { Queryable } from '../db/db.js';

/**
 * The store reads behind /metrics that no operator view needs: when the last sync finished,
 * the oldest packet still waiting for its receipt, and the sharing requests recorded in the
 * audit log since a given entry. SQL only; metrics.ts turns them into families.
 */
export interface ShareRequestCount {
  /** A registered agency's code; `unknown` for a caller that named no registered client. */
  agency: string;
  action: string;
  /** The purpose of a served request; empty on a refusal, whose purpose nobody granted. */
  purpose: string;
  outcome: string;
  n: number;
}

export interface ShareRequestTail {
  lastSeq: string;
  /** Audit entries read (of any kind): fewer than the limit means the tail is caught up. */
  scanned: number;
  counts: ShareRequestCount[];
}

export interface MetricsStore {
  /** When the newest sync run (not a dry run) finished; undefined before the first. */
  lastSyncFinishedAt(): Promise<Date | undefined>;
  /** When the oldest packet still waiting for its receipt (state `sent`) was sent. */
  oldestAwaitingReceiptSentAt(): Promise<Date | undefined>;
  /** The newest audit entry's seq: sharing requests are counted from here, as counters start at 0 with the process. */
  newestAuditSeq(): Promise<string>;
  /** Sharing requests audited after `afterSeq` (at most `limit` entries), counted by agency, action, purpose and outcome. */
  shareRequestsAfter(afterSeq: string, limit: number): Promise<ShareRequestTail>;
}

const S = 'csdl_gateway';

export function createMetricsStore(db: Queryable): MetricsStore {
  return {
    async lastSyncFinishedAt() {
      const res = await db.query<{ at: Date | null }>(
        `SELECT max(finished_at) AS at FROM ${S}.sync_runs WHERE status = 'finished' AND NOT dry_run`,
      );
      return res.rows[0]?.at ?? undefined;
    },
    async oldestAwaitingReceiptSentAt() {
      const res = await db.query<{ at: Date | null }>(`SELECT min(COALESCE(sent_at, created_at)) AS at FROM ${S}.packets WHERE status = 'sent'`);
      return res.rows[0]?.at ?? undefined;
    },
    async newestAuditSeq() {
      const res = await db.query<{ seq: string | null }>(`SELECT max(seq)::text AS seq FROM ${S}.audit_log`);
      return res.rows[0]?.seq ?? '0';
    },
    async shareRequestsAfter(afterSeq, limit) {
      // Labels stay bounded: an agency only if it is registered, a purpose only once granted.
      const res = await db.query<{ last_seq: string | null; scanned: number; agency: string; action: string; purpose: string; outcome: string; n: number }>(
        `WITH page AS (SELECT seq, actor_kind, actor_name, action, purpose, outcome FROM ${S}.audit_log
                        WHERE seq > $1 ORDER BY seq LIMIT $2)
         SELECT (SELECT max(seq)::text FROM page) AS last_seq, (SELECT count(*)::int FROM page) AS scanned, COALESCE(c.agency_code, 'unknown') AS agency, p.action,
                CASE WHEN p.outcome = 'ok' THEN COALESCE(p.purpose, '') ELSE '' END AS purpose, p.outcome, count(*)::int AS n
           FROM page p LEFT JOIN ${S}.share_clients c ON c.agency_code = p.actor_name
          WHERE p.actor_kind = 'client' AND p.action LIKE 'share.%'
          GROUP BY 3, 4, 5, 6
         UNION ALL -- one row even when no sharing request is in the page, for last_seq and scanned
         SELECT (SELECT max(seq)::text FROM page), (SELECT count(*)::int FROM page), '', '', '', '', 0`,
        [afterSeq, limit],
      );
      const head = res.rows[0];
      return {
        lastSeq: head?.last_seq ?? afterSeq, scanned: head?.scanned ?? 0,
        counts: res.rows.filter((r) => r.n > 0).map(({ agency, action, purpose, outcome, n }) => ({ agency, action, purpose, outcome, n })),
      };
    },
  };
}

/**
 * Whether a database answers `SELECT 1` within `timeoutMs`: a refused or hung connection is a
 * 0 on the gauge, never a failed scrape, so the alert on it can fire while /metrics answers.
 */
export async function databaseAnswers(db: Queryable, timeoutMs = 3000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([db.query('SELECT 1').then(() => true, () => false), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
