import type { Queryable } from '../db/db.js';
import type { SourceSpec } from '../mapping/mapping-types.js';
import { SyncError } from './sync-error.js';

/**
 * The light scan behind "what is due": each person whose latest approval row is approved,
 * with that row's id, a page at a time on the person id. No documents are built here, so a
 * sync with nothing due reads only this and the gateway's person state.
 * Identifiers come from the mapping (checked at load); values are parameters.
 */
export interface ApprovedHead {
  vendorId: string;
  approvalId: string;
}

export async function approvedHeads(
  q: Queryable, source: SourceSpec, after: string | undefined, limit: number,
): Promise<ApprovedHead[]> {
  const { persons, approval } = source;
  if (!approval) throw new SyncError('sync.approval_table_missing', `mapping source ${source.table} declares no approval table: nothing can be due`);
  const values: unknown[] = [approval.approvedValue, limit];
  const keyset = after === undefined ? '' : `AND p.${persons.id} > $3`;
  if (after !== undefined) values.push(after);
  const res = await q.query<{ vendor_id: string; approval_id: string }>(
    `SELECT p.${persons.id}::text AS vendor_id, a.id::text AS approval_id
       FROM ${persons.table} p
       JOIN LATERAL (SELECT x.${approval.order} AS id, x.${approval.status} AS status
                       FROM ${approval.table} x WHERE x.${approval.person} = p.${persons.id}
                      ORDER BY x.${approval.order} DESC LIMIT 1) a ON true
      WHERE a.status = $1 ${keyset}
      ORDER BY p.${persons.id}
      LIMIT $2`,
    values,
  );
  return res.rows.map((r) => ({ vendorId: r.vendor_id, approvalId: r.approval_id }));
}
