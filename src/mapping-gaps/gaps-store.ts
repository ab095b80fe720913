import type { Queryable } from '../db/db.js';

/**
 * The SQL of `mapping gaps`: each vendor column that feeds a code list read once for the
 * whole provincial database, as its distinct values with how many people carry each
 * (GROUP BY, no documents built, no person mapped); then a few vendor ids for the values that
 * turned out unknown. Identifiers come from the mapping, checked at load and again by
 * code-columns.ts; values are parameters.
 */
export interface ColumnRef {
  table: string;
  column: string;
  /** The column holding the person's id in `table`. */
  person: string;
  /** `table` is the person table: one row per person, so rows are people (no DISTINCT sort). */
  onePerRow: boolean;
  /** What to read instead of `table` itself: its rows of the people the mapping's person filter keeps. */
  from?: string;
}

export interface ValueCount {
  value: string;
  people: number;
}

export async function valueCounts(q: Queryable, ref: ColumnRef): Promise<ValueCount[]> {
  const res = await q.query<{ value: string; people: number }>(
    `SELECT ${ref.column}::text AS value, ${ref.onePerRow ? 'count(*)' : `count(DISTINCT ${ref.person})`}::int AS people
       FROM ${ref.from ?? ref.table} WHERE ${ref.column} IS NOT NULL GROUP BY 1`,
  );
  return res.rows;
}

/** Up to `few` vendor person ids (lowest first) per value of `values`. */
export async function examplesOf(q: Queryable, ref: ColumnRef, values: string[], few: number): Promise<Map<string, string[]>> {
  if (values.length === 0) return new Map();
  const res = await q.query<{ value: string; ids: string[] }>(
    `SELECT value, (array_agg(DISTINCT person ORDER BY person))[1:$2::int]::text[] AS ids
       FROM (SELECT ${ref.column}::text AS value, ${ref.person} AS person FROM ${ref.from ?? ref.table}
              WHERE ${ref.column}::text = ANY($1::text[])) v
      GROUP BY value`,
    [values, few],
  );
  return new Map(res.rows.map((r) => [r.value, r.ids.map(String)]));
}
