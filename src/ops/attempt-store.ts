import type { Queryable } from '../db/db.js';
import type { AttemptRecord } from '../ndxp/http-exchange.js';
import type { NdxpOperation } from '../ndxp/ndxp-error.js';

/**
 * The NDXP attempts on record (send_attempts), read for metrics and /readyz: whoever made
 * them (the gateway's sync, a `csdl-gateway sync` run, an operator's retry), every attempt is
 * stored, so the store is the one place that sees them all.
 */
export interface AttemptTail {
  lastId: string;
  attempts: AttemptRecord[];
}

export interface Reachability {
  /** Start of the newest attempt the national side answered below 500. */
  lastAnswerAt: Date | undefined;
  /** Start of the first failure (no answer, or 5xx) after that answer. */
  failingSince: Date | undefined;
}

export interface AttemptStore {
  /** Attempts after `afterId`, oldest first, at most `limit`. */
  after(afterId: string, limit: number): Promise<AttemptTail>;
  reachability(): Promise<Reachability>;
}

const S = 'csdl_gateway';
const FAILURE = '(a.http_status IS NULL OR a.http_status >= 500)';

export function createAttemptStore(db: Queryable): AttemptStore {
  return {
    async after(afterId, limit) {
      const res = await db.query<{
        id: string; operation: NdxpOperation; started_at: Date; duration_ms: number; http_status: number | null; national_code: string | null; request_id: string; error: string | null;
      }>(
        `SELECT id::text AS id, operation, started_at, duration_ms, http_status, national_code, request_id, error
           FROM ${S}.send_attempts a WHERE a.id > $1 ORDER BY a.id LIMIT $2`,
        [afterId, limit],
      );
      return {
        lastId: res.rows.at(-1)?.id ?? afterId,
        attempts: res.rows.map((r) => ({
          operation: r.operation, startedAt: r.started_at, durationMs: r.duration_ms, requestId: r.request_id,
          ...(r.http_status !== null ? { httpStatus: r.http_status } : {}),
          ...(r.national_code !== null ? { nationalCode: r.national_code } : {}),
          ...(r.error !== null ? { error: r.error } : {}),
        })),
      };
    },
    async reachability() {
      const res = await db.query<{ last_answer: Date | null; failing_since: Date | null }>(
        `WITH answered AS (SELECT max(a.started_at) AS at FROM ${S}.send_attempts a WHERE NOT ${FAILURE})
         SELECT (SELECT at FROM answered) AS last_answer,
                (SELECT min(a.started_at) FROM ${S}.send_attempts a
                  WHERE ${FAILURE} AND a.started_at > COALESCE((SELECT at FROM answered), '-infinity')) AS failing_since`,
      );
      const r = res.rows[0];
      return { lastAnswerAt: r?.last_answer ?? undefined, failingSince: r?.failing_since ?? undefined };
    },
  };
}
