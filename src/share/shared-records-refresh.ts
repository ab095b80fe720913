import type { Db, Queryable } from '../db/db.js';
import type { PayloadCodec } from '../encoding/payload-codec.js';
import { describeError } from '../errors.js';
import { recordsOfEnvelope } from '../packet/envelope-records.js';
import type { SourceSpec, UnitsSpec } from '../mapping/mapping-types.js';
import { personsFilteredOut } from '../source/filtered-out.js';
import { SourceError } from '../source/source-error.js';
import { joinedUnitTree, readProvincialUnits, unitTree, type ProvincialUnit } from './provincial-units.js';
import { createSharedRecordStore, type SharedRow } from './shared-record-store.js';

/**
 * Materialises what the sharing endpoint serves: each person's LAST record the national side
 * accepted (never an unapproved provincial edit, never a record refused or not yet answered).
 * A record's bytes live only in its packet's stored envelope, so the refresh decodes each
 * newly `done` packet once and keeps its `accepted` records; the sync's own path is untouched.
 * The mapping's person filter holds here as for every read of persons: a person it leaves out
 * now (marked deleted after their record was accepted) is withheld, answered like a person the
 * gateway never sent, and served again when the filter keeps them.
 * Idempotent and safe from several processes: a transaction-scoped advisory lock lets one
 * refresh run at a time, and a packet is marked taken in within the same transaction as its
 * records. See docs/decisions/sharing.md.
 */
export interface RefreshOptions {
  /** The provincial database, to copy the unit hierarchy from (read-only). */
  source?: Queryable;
  /** Where the unit hierarchy is in it: the mapping's `units`. Without it the tree is not copied (unitsError). */
  units?: UnitsSpec | undefined;
  /**
   * The mapping's person table and filter (`source.persons`), to withhold the people the filter
   * leaves out. Without it (or without `source`) the served records are not filtered.
   */
  persons?: SourceSpec['persons'];
  /**
   * A merged province's sources (SOURCES_FILE), in place of `source`, `units` and `persons`:
   * their unit trees are joined under `provinceRoot` and each one's person filter withholds its
   * own people (by their vendor ids in that source).
   */
  sources?: readonly RefreshSource[];
  /** The province's agency code (SENDER_CODE): the root the sources' trees join under. */
  provinceRoot?: string;
  /** Packets decoded per transaction (5 full packets: about 12 MB of records in one statement). */
  batch?: number;
}

/** A source of a merged province as the refresh reads it: its database and its mapping's `units` and `source.persons`. */
export interface RefreshSource {
  name: string;
  db(): Promise<Queryable>;
  mapping(): { units?: UnitsSpec | undefined; source: Pick<SourceSpec, 'persons'> };
}

export interface RefreshSummary {
  /** Another process held the refresh; nothing was done. */
  skipped: boolean;
  packets: number;
  records: number;
  unitsCopied: boolean;
  /** Why the unit hierarchy could not be copied (records were still taken in). */
  unitsError?: string;
  /** Served records withheld this run because the person filter leaves their person out. */
  withheld: number;
  /** Withheld records served again because the filter keeps their person now. */
  restored: number;
  /** Why the person filter could not be applied (what was withheld stays withheld). */
  filterError?: string;
}

const REFRESH_LOCK = 73_102_008;

type Data = Record<string, unknown>;
const code = (v: unknown): string | undefined => {
  const o = v as { ma?: unknown; ten?: unknown } | undefined;
  return typeof o?.ma === 'string' ? o.ma : undefined;
};

/** The row for one accepted record: its JSON and the dimensions the routes use. Pure. */
export function sharedRow(packetId: string, operation: string, approvedAt: Date, soDinhDanh: string, recordJson: string): SharedRow {
  const data = JSON.parse(recordJson) as Data;
  const luong = data.luong as Data | undefined;
  const viTri = data.viTriViecLam as { ma?: string; ten?: string } | undefined;
  const optional = {
    status: code(data.tinhTrang), loaiNhanSu: code(data.loaiNhanSu), ngach: code(luong?.ngach),
    chucDanh: code(luong?.chucDanhNgheNghiep), viTri: viTri?.ma ?? viTri?.ten,
  };
  return {
    soDinhDanh, record: recordJson, unitCode: typeof data.donViSuDung === 'string' ? data.donViSuDung : '',
    operation, approvedAt: approvedAt.toISOString(), packetId,
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
  };
}

/** Per person, the newest of `rows` (a packet may carry two versions of one person). */
function newestPerPerson(rows: SharedRow[]): SharedRow[] {
  const newest = new Map<string, SharedRow>();
  for (const r of rows) {
    const had = newest.get(r.soDinhDanh);
    if (!had || had.approvedAt < r.approvedAt) newest.set(r.soDinhDanh, r);
  }
  return [...newest.values()];
}

async function takeInPackets(tx: Queryable, codec: PayloadCodec, batch: number): Promise<{ packets: number; records: number }> {
  const store = createSharedRecordStore(tx);
  const packets = await store.pendingPackets(batch);
  if (packets.length === 0) return { packets: 0, records: 0 };
  const accepted = await store.acceptedVersions(packets.map((p) => p.packetId));
  // A result names its record by số định danh and approvedAt (as the receipt does).
  const wanted = new Map(accepted.map((v) => [`${v.packetId}|${v.soDinhDanh}|${v.approvedAt.getTime()}`, v]));
  const rows: SharedRow[] = [];
  for (const p of packets) {
    for (const r of recordsOfEnvelope(p.envelope, codec)) {
      const version = wanted.get(`${p.packetId}|${r.soDinhDanh}|${new Date(r.approvedAt).getTime()}`);
      if (version) rows.push(sharedRow(p.packetId, version.operation, version.approvedAt, r.soDinhDanh, r.recordJson));
    }
  }
  const records = await store.takeIn(newestPerPerson(rows), packets.map((p) => p.packetId));
  return { packets: packets.length, records };
}

async function copyUnits(tx: Queryable, source: Queryable, units: UnitsSpec | undefined): Promise<boolean> {
  if (!units) throw new SourceError('source.units_unmapped', 'the mapping declares no `units`: no unit tree to copy, so no grant covers anyone');
  const store = createSharedRecordStore(tx);
  const tree = unitTree(await readProvincialUnits(source, units));
  if ((await store.refreshState('units_hash')) === tree.hash) return false;
  await store.replaceUnits(tree.units, tree.edges, tree.hash);
  return true;
}

/** Withholds the people the filter leaves out now, and serves again those it keeps. */
async function applyPersonFilter(tx: Queryable, source: Queryable, persons: SourceSpec['persons']): Promise<{ withheld: number; restored: number }> {
  const out = await personsFilteredOut(source, persons);
  const store = createSharedRecordStore(tx);
  return { withheld: await store.withhold(out), restored: await store.restore(out) };
}

/**
 * Every source's unit table read, or the first failure naming its source: with a source
 * missing, the joined tree would drop its units and the grants on them, so the stored tree
 * is kept as it is until all are read.
 */
async function readAllUnits(sources: readonly RefreshSource[]): Promise<ProvincialUnit[][]> {
  return Promise.all(sources.map(async (s) => {
    const units = s.mapping().units;
    if (!units) throw new SourceError('source.units_unmapped', `the mapping of source ${s.name} declares no \`units\`: the province's unit tree cannot be joined`);
    try {
      return await readProvincialUnits(await s.db(), units);
    } catch (err) {
      throw new SourceError('source.units_unreadable', `source ${s.name}: ${describeError(err)}`, { cause: err });
    }
  }));
}

async function copyJoinedUnits(tx: Queryable, perSource: ProvincialUnit[][], root: string): Promise<boolean> {
  const store = createSharedRecordStore(tx);
  const tree = joinedUnitTree(perSource, root);
  if ((await store.refreshState('units_hash')) === tree.hash) return false;
  await store.replaceUnits(tree.units, tree.edges, tree.hash);
  return true;
}

/**
 * Each source's filter over its own people, in one transaction. A source that cannot be read
 * leaves its withheld records as they are (named in the error); the others' are applied.
 */
async function applySourceFilters(tx: Queryable, sources: readonly RefreshSource[]): Promise<{ withheld: number; restored: number; errors: string[] }> {
  const store = createSharedRecordStore(tx);
  const out = { withheld: 0, restored: 0, errors: [] as string[] };
  const read = await Promise.all(sources.map(async (s) => {
    const persons = s.mapping().source.persons;
    try {
      return { name: s.name, out: await personsFilteredOut(await s.db(), persons) };
    } catch (err) {
      out.errors.push(`source ${s.name}: ${describeError(err)}`);
      return undefined;
    }
  }));
  for (const r of read) {
    if (!r) continue;
    out.withheld += await store.withhold(r.out, r.name);
    out.restored += await store.restore(r.out, r.name);
  }
  return out;
}

async function refreshMerged(db: Db, codec: PayloadCodec, sources: readonly RefreshSource[], root: string, batch: number): Promise<RefreshSummary> {
  const summary: RefreshSummary = { skipped: false, packets: 0, records: 0, unitsCopied: false, withheld: 0, restored: 0 };
  try {
    const perSource = await readAllUnits(sources);
    const copied = await db.transaction(async (tx) => ((await holdLock(tx)) ? copyJoinedUnits(tx, perSource, root) : undefined));
    if (copied === undefined) return { ...summary, skipped: true };
    summary.unitsCopied = copied;
  } catch (err) {
    summary.unitsError = describeError(err);
  }
  for (;;) {
    const step = await db.transaction(async (tx) => ((await holdLock(tx)) ? takeInPackets(tx, codec, batch) : undefined));
    if (step === undefined) return { ...summary, skipped: summary.packets === 0 };
    summary.packets += step.packets;
    summary.records += step.records;
    if (step.packets === 0) break;
  }
  try {
    const moved = await db.transaction(async (tx) => ((await holdLock(tx)) ? applySourceFilters(tx, sources) : undefined));
    if (moved) {
      summary.withheld = moved.withheld;
      summary.restored = moved.restored;
      if (moved.errors.length > 0) summary.filterError = moved.errors.join('; ');
    }
  } catch (err) {
    summary.filterError = describeError(err);
  }
  return summary;
}

async function holdLock(tx: Queryable): Promise<boolean> {
  const res = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock($1) AS ok', [REFRESH_LOCK]);
  return res.rows[0]?.ok === true;
}

export async function refreshSharedRecords(db: Db, codec: PayloadCodec, options: RefreshOptions = {}): Promise<RefreshSummary> {
  if (options.sources) {
    if (!options.provinceRoot) throw new SourceError('source.units_unmapped', 'a merged province\'s unit trees join under its root: provinceRoot (SENDER_CODE) is required');
    return refreshMerged(db, codec, options.sources, options.provinceRoot, options.batch ?? 5);
  }
  const summary: RefreshSummary = { skipped: false, packets: 0, records: 0, unitsCopied: false, withheld: 0, restored: 0 };
  if (options.source) {
    const source = options.source;
    try {
      const copied = await db.transaction(async (tx) => ((await holdLock(tx)) ? copyUnits(tx, source, options.units) : undefined));
      if (copied === undefined) return { ...summary, skipped: true };
      summary.unitsCopied = copied;
    } catch (err) {
      // The provincial database being away must not hold back what the national side accepted.
      summary.unitsError = describeError(err);
    }
  }
  for (;;) {
    const step = await db.transaction(async (tx) => ((await holdLock(tx)) ? takeInPackets(tx, codec, options.batch ?? 5) : undefined));
    if (step === undefined) return { ...summary, skipped: summary.packets === 0 };
    summary.packets += step.packets;
    summary.records += step.records;
    if (step.packets === 0) break;
  }
  // After the take-in, so a record accepted for a person the filter leaves out is never left served.
  if (options.source && options.persons) {
    const { source, persons } = options;
    try {
      const moved = await db.transaction(async (tx) => ((await holdLock(tx)) ? applyPersonFilter(tx, source, persons) : undefined));
      if (moved) Object.assign(summary, moved);
    } catch (err) {
      summary.filterError = describeError(err);
    }
  }
  return summary;
}
