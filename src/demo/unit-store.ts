import type { Queryable } from '../db/db.js';
import { ColumnBatch, type TableSpec } from './column-batch.js';
import type { Workplace } from './demo-model.js';
import type { PlannedUnit } from './unit-plan.js';

/**
 * A vendor's unit table as the demo generators write it: the table, the id, agency-code and name
 * columns a unit is found again by, and the row a planned unit is written as (`idOf` gives the
 * id of a planned unit by its key: itself, its parent, its successor).
 */
export interface UnitTable {
  spec: TableSpec;
  id: string;
  code: string;
  name: string;
  row(unit: PlannedUnit, idOf: (key: string | null) => number | null): unknown[];
}

/**
 * Writes the planned units that are not there yet and returns every planned unit with its id,
 * and how many units it added. A unit is found again by its agency code (or, without one, by
 * name), so running the generator twice, or after a sample, reuses units instead of doubling
 * them. Ids come from the table's sequence, which the generator has moved past the sample's.
 */
export async function ensureUnits(db: Queryable, table: UnitTable, plan: readonly PlannedUnit[]): Promise<{ units: Workplace[]; added: number }> {
  const existing = await db.query<{ id: number; code: string | null; name: string }>(
    `SELECT ${table.id} AS id, ${table.code} AS code, ${table.name} AS name FROM ${table.spec.table} ORDER BY ${table.id}`,
  );
  const ids = new Map<string, number>();
  for (const row of existing.rows) {
    const key = row.code ?? `name:${row.name}`;
    if (!ids.has(key)) ids.set(key, row.id);
  }
  const missing = plan.filter((u) => !ids.has(u.key));
  if (missing.length > 0) {
    const fresh = await reserveIds(db, table.spec.table, missing.length, table.id);
    missing.forEach((u, i) => ids.set(u.key, fresh[i] as number));
    const idOf = (key: string | null): number | null => (key === null ? null : (ids.get(key) ?? null));
    const batch = new ColumnBatch(table.spec);
    for (const u of missing) batch.push(table.row(u, idOf));
    // One statement: foreign keys to rows of the same statement are checked at its end.
    await batch.write(db);
  }
  const units = plan.map((u) => ({
    id: ids.get(u.key) as number,
    code: u.code,
    name: u.name,
    kind: u.kind,
    active: u.active,
    parentId: u.parentKey === null ? null : (ids.get(u.parentKey) ?? null),
  }));
  return { units, added: missing.length };
}

/**
 * `n` fresh ids from the serial sequence of `table`, in increasing order. Ids are reserved
 * before rows are written, in a fixed order, so they do not depend on which of two concurrent
 * chunks commits first. The ids themselves travel back: another session drawing from the
 * sequence meanwhile may leave gaps in the block. `column` is the serial or identity column.
 */
export async function reserveIds(db: Queryable, table: string, n: number, column = 'id'): Promise<number[]> {
  if (n === 0) return [];
  const drawn = await db.query<{ id: number }>(
    `SELECT nextval(pg_get_serial_sequence($1, $3))::int AS id FROM generate_series(1, $2::int) ORDER BY 1`,
    [table, n, column],
  );
  return drawn.rows.map((r) => r.id);
}

/**
 * Moves a table's sequence to at least `floor` and past its highest id: sample.sql keeps ids up
 * to 100 for itself, and generated rows must never take them.
 */
export async function raiseSequence(db: Queryable, table: string, floor: number, column = 'id'): Promise<void> {
  await db.query(
    `SELECT setval(x.seq, x.target)
       FROM (SELECT pg_get_serial_sequence($1, $3) AS seq,
                    GREATEST($2::bigint, (SELECT COALESCE(max(${column}), 0) FROM ${table})) AS target) x
      WHERE x.target > COALESCE((SELECT last_value FROM pg_sequences
                                  WHERE format('%I.%I', schemaname, sequencename) = x.seq), 0)`,
    [table, floor, column],
  );
}
