import type { Queryable } from '../db/db.js';
import { ColumnBatch } from './column-batch.js';
import type { Workplace } from './demo-model.js';
import { DM_DON_VI } from './demo-tables.js';
import type { PlannedUnit } from './unit-plan.js';

/**
 * Writes the planned units that are not there yet and returns every planned unit with its id,
 * and how many units it added. A unit is found again by its agency code (or, without one, by
 * name and level), so running the generator twice, or after sample.sql, reuses units instead
 * of doubling them. Ids come from the table's sequence, which generatePeople has moved past
 * the sample's 100.
 */
export async function ensureUnits(db: Queryable, plan: readonly PlannedUnit[]): Promise<{ units: Workplace[]; added: number }> {
  const existing = await db.query<{ id: number; ma_dinh_danh: string | null; ten_don_vi: string; cap: number }>(
    'SELECT id, ma_dinh_danh, ten_don_vi, cap FROM qlcb.dm_don_vi ORDER BY id',
  );
  const ids = new Map<string, number>();
  for (const row of existing.rows) {
    const key = row.ma_dinh_danh ?? `name:${row.ten_don_vi}`;
    if (!ids.has(key)) ids.set(key, row.id);
  }
  const missing = plan.filter((u) => !ids.has(u.key));
  if (missing.length > 0) {
    const fresh = await reserveIds(db, 'qlcb.dm_don_vi', missing.length);
    missing.forEach((u, i) => ids.set(u.key, fresh[i] as number));
    const idOf = (key: string | null): number | null => (key === null ? null : (ids.get(key) ?? null));
    const batch = new ColumnBatch(DM_DON_VI);
    for (const u of missing) batch.push([ids.get(u.key), u.code, u.name, u.cap, idOf(u.parentKey), u.active, idOf(u.successorKey)]);
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
