import { createHash } from 'node:crypto';
import type { Queryable } from '../db/db.js';
import { AGENCY_CODE_PATTERN } from '../contract/national-contract.js';

/**
 * The provincial unit hierarchy (qlcb.dm_don_vi: 1 province, 2 department or district, 3 base
 * unit), read-only, turned into (ancestor, descendant) pairs of agency codes. A unit without a
 * valid code is walked through but never named: its coded descendants belong to its coded
 * ancestors. A grant on a unit covers its subtree (the access levels of the provincial rules:
 * a department or district sees its own units and those under them).
 */
export interface ProvincialUnit {
  id: number;
  code?: string;
  name: string;
  parentId?: number;
}

export async function readProvincialUnits(source: Queryable): Promise<ProvincialUnit[]> {
  const res = await source.query<{ id: number; ma_dinh_danh: string | null; ten_don_vi: string; don_vi_cha_id: number | null }>(
    'SELECT id, ma_dinh_danh, ten_don_vi, don_vi_cha_id FROM qlcb.dm_don_vi ORDER BY id',
  );
  return res.rows.map((r) => ({
    id: r.id, name: r.ten_don_vi,
    ...(r.ma_dinh_danh && AGENCY_CODE_PATTERN.test(r.ma_dinh_danh.trim()) ? { code: r.ma_dinh_danh.trim() } : {}),
    ...(r.don_vi_cha_id === null ? {} : { parentId: r.don_vi_cha_id }),
  }));
}

export interface UnitTree {
  units: { code: string; name: string }[];
  /** [ancestor, descendant], each coded unit with itself included. */
  edges: [string, string][];
  /** Of the whole list, to copy it only when it changed. */
  hash: string;
}

/** Pure: the tree's pairs. A parent cycle (bad data) stops the walk instead of looping. */
export function unitTree(units: ProvincialUnit[]): UnitTree {
  const byId = new Map(units.map((u) => [u.id, u]));
  const edges = new Map<string, [string, string]>();
  const named = new Map<string, string>();
  for (const unit of units) {
    if (!unit.code) continue;
    if (!named.has(unit.code)) named.set(unit.code, unit.name);
    const seen = new Set<number>();
    for (let at: ProvincialUnit | undefined = unit; at && !seen.has(at.id); at = at.parentId === undefined ? undefined : byId.get(at.parentId)) {
      seen.add(at.id);
      if (at.code) edges.set(`${at.code}>${unit.code}`, [at.code, unit.code]);
    }
  }
  const list = [...edges.values()].sort((a, b) => (a[0] + a[1]).localeCompare(b[0] + b[1]));
  const unitList = [...named].map(([code, name]) => ({ code, name })).sort((a, b) => a.code.localeCompare(b.code));
  const hash = createHash('sha256').update(JSON.stringify([unitList, list])).digest('hex');
  return { units: unitList, edges: list, hash };
}
