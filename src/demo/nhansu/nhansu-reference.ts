import type { Queryable } from '../../db/db.js';
import { ColumnBatch, type TableSpec } from '../column-batch.js';
import type { Workplace } from '../demo-model.js';
import type { RankCatalogue } from '../rank-catalogue.js';
import type { PlannedUnit } from '../unit-plan.js';
import { reserveIds } from '../unit-store.js';
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

export async function ensureOrgUnits(db: Queryable, plan: readonly PlannedUnit[]): Promise<{ units: Workplace[]; added: number }> {
  const existing = await db.query<{ org_id: number; agency_code: string | null; org_name: string }>(
    'SELECT org_id, agency_code, org_name FROM nhansu.org_unit ORDER BY org_id',
  );
  const ids = new Map<string, number>();
  for (const row of existing.rows) {
    const key = row.agency_code ?? `name:${row.org_name}`;
    if (!ids.has(key)) ids.set(key, row.org_id);
  }
  const missing = plan.filter((u) => !ids.has(u.key));
  if (missing.length > 0) {
    const fresh = await reserveIds(db, 'nhansu.org_unit', missing.length, 'org_id');
    missing.forEach((u, i) => ids.set(u.key, fresh[i] as number));
    const idOf = (key: string | null): number | null => (key === null ? null : (ids.get(key) ?? null));
    const batch = new ColumnBatch(ORG_UNIT);
    for (const u of missing) batch.push([ids.get(u.key), idOf(u.parentKey), u.code, u.name, u.cap, !u.active, idOf(u.successorKey)]);
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
