import type { Queryable } from '../db/db.js';
import type { Workplace } from './demo-model.js';
import type { PlannedUnit } from './unit-plan.js';

/**
 * Writes the planned units that are not there yet and returns every planned unit with its id.
 * A unit is found again by its agency code (or, without one, by name and level), so running
 * the generator twice, or after sample.sql, reuses units instead of doubling them. Ids come
 * from the table's sequence, which generatePeople has moved past the sample's 100.
 */
export async function ensureUnits(db: Queryable, plan: readonly PlannedUnit[]): Promise<Workplace[]> {
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
    // One statement: foreign keys to rows of the same statement are checked at its end.
    await db.query(
      `INSERT INTO qlcb.dm_don_vi (id, ma_dinh_danh, ten_don_vi, cap, don_vi_cha_id, con_hoat_dong, thay_the_boi_id)
       SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::smallint[], $5::int[], $6::boolean[], $7::int[])`,
      [
        missing.map((u) => ids.get(u.key)), missing.map((u) => u.code), missing.map((u) => u.name),
        missing.map((u) => u.cap), missing.map((u) => idOf(u.parentKey)), missing.map((u) => u.active),
        missing.map((u) => idOf(u.successorKey)),
      ],
    );
  }
  return plan.map((u) => ({
    id: ids.get(u.key) as number,
    code: u.code,
    name: u.name,
    kind: u.kind,
    active: u.active,
    parentId: u.parentKey === null ? null : (ids.get(u.parentKey) ?? null),
  }));
}

/**
 * `n` fresh ids from the serial sequence of `table`, in increasing order. Ids are reserved
 * before rows are written, in a fixed order, so they do not depend on which of two concurrent
 * chunks commits first. Usually the block is contiguous and only its bounds travel back; if
 * another session drew from the sequence meanwhile, the ids themselves are fetched.
 */
export async function reserveIds(db: Queryable, table: string, n: number): Promise<number[]> {
  if (n === 0) return [];
  const block = await db.query<{ lo: number; hi: number }>(
    `SELECT min(v)::int AS lo, max(v)::int AS hi
       FROM (SELECT nextval(pg_get_serial_sequence($1, 'id')) AS v FROM generate_series(1, $2::int)) x`,
    [table, n],
  );
  const lo = block.rows[0]?.lo ?? 0;
  const hi = block.rows[0]?.hi ?? 0;
  if (hi - lo + 1 === n) return Array.from({ length: n }, (_, i) => lo + i);
  // Not contiguous: fetch the ids drawn by this session in the range (rare; concurrent writers).
  const all = await db.query<{ id: number }>(
    `SELECT nextval(pg_get_serial_sequence($1, 'id'))::int AS id FROM generate_series(1, $2::int) ORDER BY 1`,
    [table, n],
  );
  return all.rows.map((r) => r.id);
}

/**
 * Moves a table's sequence to at least `floor` and past its highest id: sample.sql keeps ids up
 * to 100 for itself, and generated rows must never take them.
 */
export async function raiseSequence(db: Queryable, table: string, floor: number): Promise<void> {
  await db.query(
    `SELECT setval(x.seq, x.target)
       FROM (SELECT pg_get_serial_sequence($1, 'id') AS seq,
                    GREATEST($2::bigint, (SELECT COALESCE(max(id), 0) FROM ${table})) AS target) x
      WHERE x.target > COALESCE((SELECT last_value FROM pg_sequences
                                  WHERE format('%I.%I', schemaname, sequencename) = x.seq), 0)`,
    [table, floor],
  );
}
