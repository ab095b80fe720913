import type { Queryable } from '../db/db.js';
import type { SourceSpec } from '../mapping/mapping-types.js';
import { latestApproval, personsFrom } from './person-queries.js';

/**
 * How many people the mapping reads (its person filter applied), and how many of them have an
 * approved latest approval row: what the start-up lines say about a provincial database.
 */
export async function countPeople(q: Queryable, source: SourceSpec): Promise<{ people: number; approved: number }> {
  const approved = source.approval ? 'count(*) FILTER (WHERE a.status = $1)::int' : '0';
  const res = await q.query<{ people: number; approved: number }>(
    `SELECT count(*)::int AS people, ${approved} AS approved FROM ${personsFrom(source)} ${latestApproval(source)}`,
    source.approval ? [source.approval.approvedValue] : [],
  );
  return res.rows[0] ?? { people: 0, approved: 0 };
}
