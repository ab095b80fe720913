import type { Queryable } from '../db/db.js';
import type { SourceSpec } from '../mapping/mapping-types.js';

/**
 * The vendor ids of the persons the mapping's person filter (`persons.where`) leaves out, as
 * the provincial database holds them now: rows for which the condition is false or null, as a
 * WHERE would drop them. None without a filter. Identifiers come from the mapping, checked at load.
 */
export async function personsFilteredOut(q: Queryable, persons: SourceSpec['persons']): Promise<string[]> {
  if (persons.where === undefined) return [];
  const res = await q.query<{ id: string }>(`SELECT ${persons.id}::text AS id FROM ${persons.table} WHERE (${persons.where}) IS NOT TRUE`);
  return res.rows.map((r) => r.id);
}
