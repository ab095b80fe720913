import type { Queryable } from '../db/db.js';
import type { SourceSpec } from '../mapping/mapping-types.js';
import { personsFrom } from '../source/person-queries.js';
import { SyncError } from './sync-error.js';

/**
 * The light scan behind "what is due": each person whose latest approval row is approved,
 * with that row's id, a page at a time on the person id, among the people the mapping's person
 * filter keeps. No documents are built here, so a
 * sync with nothing due reads only this and the gateway's person state.
 * Identifiers come from the mapping (checked at load); values are parameters.
 */
export interface ApprovedHead {
  vendorId: string;
  approvalId: string;
}

/** A page of heads, in person order; `last` is the page's last vendor id (the next page's keyset). */
export interface ApprovedHeadsPage {
  count: number;
  vendorIds: string[];
  approvalIds: string[];
  last: string | undefined;
}

/**
 * One page of heads, aggregated in the provincial database into two JSON arrays (text) the
 * gateway parses natively: 20,000 heads are two values, not 20,000 rows to parse one by one.
 */
export async function approvedHeads(
  q: Queryable, source: SourceSpec, after: string | undefined, limit: number,
): Promise<ApprovedHeadsPage> {
  const { persons, approval } = source;
  if (!approval) throw new SyncError('sync.approval_table_missing', `mapping source ${source.table} declares no approval table: nothing can be due`);
  const values: unknown[] = [approval.approvedValue, limit];
  const keyset = after === undefined ? '' : `AND p.${persons.id} > $3`;
  if (after !== undefined) values.push(after);
  // The page's rows come out of the subquery in id order and are aggregated in that order (an
  // ordered subquery feeds an aggregate in its order: PostgreSQL's documentation of aggregate
  // expressions); no second sort per array, and the keyset is the page's largest id. Half the
  // time of the same page aggregated with ORDER BY inside each aggregate.
  const res = await q.query<{ n: number; vendor_ids: string | null; approval_ids: string | null; last: string | null }>(
    `SELECT count(*)::int AS n, json_agg(page.k::text)::text AS vendor_ids, json_agg(page.approval_id::text)::text AS approval_ids, max(page.k)::text AS last
       FROM (SELECT p.${persons.id} AS k, a.id AS approval_id
               FROM ${personsFrom(source)}
               JOIN LATERAL (SELECT x.${approval.order} AS id, x.${approval.status} AS status
                               FROM ${approval.table} x WHERE x.${approval.person} = p.${persons.id}
                              ORDER BY x.${approval.order} DESC LIMIT 1) a ON true
              WHERE a.status = $1 ${keyset}
              ORDER BY p.${persons.id}
              LIMIT $2) page`,
    values,
  );
  const row = res.rows[0];
  if (!row || row.n === 0 || row.vendor_ids === null || row.approval_ids === null) return { count: 0, vendorIds: [], approvalIds: [], last: undefined };
  return { count: row.n, vendorIds: JSON.parse(row.vendor_ids) as string[], approvalIds: JSON.parse(row.approval_ids) as string[], last: row.last ?? undefined };
}
