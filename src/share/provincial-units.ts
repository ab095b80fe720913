import { createHash } from 'node:crypto';
import type { Queryable } from '../db/db.js';
import { AGENCY_CODE_PATTERN } from '../contract/national-contract.js';
import type { UnitsSpec } from '../mapping/mapping-types.js';
import { SourceError } from '../source/source-error.js';

/**
 * The provincial unit hierarchy (the mapping's `units`: its table, id, agency code, name and
 * parent columns), read-only, turned into (ancestor, descendant) pairs of agency codes. A unit
 * without a valid code is walked through but never named: its coded descendants belong to its
 * coded ancestors. A grant on a unit covers its subtree (the access levels of the provincial
 * rules: a department or district sees its own units and those under them).
 */
export interface ProvincialUnit {
  id: string;
  code?: string;
  name: string;
  parentId?: string;
}

/** Reads the unit table; a parent chain that loops is `source.units_cycle`, naming the units. */
export async function readProvincialUnits(source: Queryable, units: UnitsSpec): Promise<ProvincialUnit[]> {
  const res = await source.query<{ id: string; code: string | null; name: string | null; parent: string | null }>(
    `SELECT ${units.id}::text AS id, ${units.code}::text AS code, ${units.name}::text AS name, ${units.parent}::text AS parent
       FROM ${units.table} ORDER BY ${units.id}`,
  );
  const list = res.rows.map((r) => ({
    id: r.id, name: r.name ?? '',
    ...(r.code && AGENCY_CODE_PATTERN.test(r.code.trim()) ? { code: r.code.trim() } : {}),
    ...(r.parent === null ? {} : { parentId: r.parent }),
  }));
  const loop = parentCycle(list);
  if (loop) {
    throw new SourceError('source.units_cycle', `the unit tree loops through its parents (${units.table}.${units.parent}): ${loop.join(' -> ')}`, {
      details: [{ path: '/units/parent', message: `unit ids ${loop.join(' -> ')}` }],
    });
  }
  return list;
}

/** The ids of one loop in the parent chains, first id repeated at the end; undefined when the tree has none. Pure. */
export function parentCycle(units: ProvincialUnit[]): string[] | undefined {
  const parentOf = new Map(units.map((u) => [u.id, u.parentId]));
  const done = new Set<string>();
  for (const unit of units) {
    const path: string[] = [];
    const onPath = new Set<string>();
    for (let at: string | undefined = unit.id; at !== undefined && !done.has(at); at = parentOf.get(at)) {
      if (onPath.has(at)) return [...path.slice(path.indexOf(at)), at];
      onPath.add(at);
      path.push(at);
    }
    for (const id of path) done.add(id);
  }
  return undefined;
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
    const seen = new Set<string>();
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

/**
 * Pure: a merged province's tree (docs/decisions/sharing.md, "A merged province"). Each
 * source's tree is walked by its own vendor ids (which collide across sources and never leave
 * it); what is stored is the agency codes, issued nationally, so the trees' pairs are joined
 * as they are: a code two sources hold is one unit, whose subtree is both. Every unit of every
 * source lies under the province's root (its agency code, SENDER_CODE): a grant on the root
 * covers the whole merged province, a grant on a unit its subtree in whichever source holds it.
 */
export function joinedUnitTree(perSource: ProvincialUnit[][], root: string): UnitTree {
  const edges = new Map<string, [string, string]>([[`${root}>${root}`, [root, root]]]);
  const named = new Map<string, string>();
  for (const units of perSource) {
    const tree = unitTree(units);
    for (const u of tree.units) if (!named.has(u.code)) named.set(u.code, u.name);
    for (const [a, d] of tree.edges) {
      edges.set(`${a}>${d}`, [a, d]);
      edges.set(`${root}>${d}`, [root, d]);
    }
  }
  const list = [...edges.values()].sort((a, b) => (a[0] + a[1]).localeCompare(b[0] + b[1]));
  const unitList = [...named].map(([code, name]) => ({ code, name })).sort((a, b) => a.code.localeCompare(b.code));
  const hash = createHash('sha256').update(JSON.stringify([unitList, list])).digest('hex');
  return { units: unitList, edges: list, hash };
}
