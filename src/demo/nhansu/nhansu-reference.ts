import type { Queryable } from '../../db/db.js';
import { ColumnBatch, type TableSpec } from '../column-batch.js';
import type { RankCatalogue } from '../rank-catalogue.js';
import type { UnitTable } from '../unit-store.js';
import { ETHNIC_GROUPS, gradeRows, type ItemCatalogue, RELIGIONS, STAFF_KINDS, WORK_STATUSES } from './nhansu-catalogue.js';
import { LOOKUPS, ORG_UNIT } from './nhansu-tables.js';

/**
 * The nhansu reference rows people point to: lookups (written once, when the table is empty)
 * and the unit tree (units found again by agency code, or by name and level without one, so a
 * second run adds people to the same units).
 */
async function fillWhenEmpty(db: Queryable, spec: TableSpec, rows: unknown[][]): Promise<void> {
  const present = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${spec.table}`);
  if ((present.rows[0]?.n ?? 0) > 0) return;
  const batch = new ColumnBatch(spec);
  for (const row of rows) batch.push(row);
  await batch.write(db);
}

export async function ensureLookups(db: Queryable, items: ItemCatalogue, ranks: RankCatalogue): Promise<void> {
  await fillWhenEmpty(db, LOOKUPS.item, items.rows.map((r) => [r.code, r.group, r.label]));
  await fillWhenEmpty(db, LOOKUPS.ethnic, ETHNIC_GROUPS.map(([code, label]) => [code, label]));
  await fillWhenEmpty(db, LOOKUPS.religion, RELIGIONS.map(([code, label]) => [code, label]));
  await fillWhenEmpty(db, LOOKUPS.staffKind, Object.values(STAFF_KINDS).map((k) => [k.code, k.label]));
  await fillWhenEmpty(db, LOOKUPS.workStatus, Object.values(WORK_STATUSES).map((s) => [s.code, s.label, s.working]));
  await fillWhenEmpty(db, LOOKUPS.grade, gradeRows(ranks).map((g) => [g.code, g.title, g.family]));
}

/** nhansu's unit tree: `closed` where the plan says active, the parent and successor by id. */
export const NHANSU_UNITS: UnitTable = {
  spec: ORG_UNIT,
  id: 'org_id',
  code: 'agency_code',
  name: 'org_name',
  row: (u, idOf) => [idOf(u.key), idOf(u.parentKey), u.code, u.name, u.cap, !u.active, idOf(u.successorKey)],
};
