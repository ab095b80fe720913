import { nationalContract, type NationalContract } from '../contract/national-contract.js';
import type { Db, Queryable } from '../db/db.js';
import { writeInChunks } from './chunked-writes.js';
import { ColumnBatch } from './column-batch.js';
import { DemoError } from './demo-error.js';
import type { GeneratedPerson, GenerationContext, Workplace } from './demo-model.js';
import { CAN_BO, DM_DON_VI, HISTORY_TABLES, type HistoryTable } from './demo-tables.js';
import { generatePerson } from './person-generator.js';
import { countProvincialTables, PROVINCIAL_TABLES } from './provincial-schema.js';
import { INVALIDATING_QUIRKS, QUIRKS } from './quirks.js';
import { RankCatalogue } from './rank-catalogue.js';
import { ensureEthnicities, ensureRanks } from './reference-store.js';
import { WeightedPicker } from './seeded-random.js';
import { planUnits } from './unit-plan.js';
import { ensureUnits, raiseSequence, reserveIds, type UnitTable } from './unit-store.js';

/** qlcb's unit tree: `con_hoat_dong` as the plan says, the parent and successor by id. */
const QLCB_UNITS: UnitTable = {
  spec: DM_DON_VI,
  id: 'id',
  code: 'ma_dinh_danh',
  name: 'ten_don_vi',
  row: (u, idOf) => [idOf(u.key), u.code, u.name, u.cap, idOf(u.parentKey), u.active, idOf(u.successorKey)],
};

/**
 * Fills a database holding the vendor schema with `people` generated people (see
 * person-generator.ts for who they are). People are made in chunks: the ids of every row are
 * reserved from the tables' sequences chunk by chunk, in order, so the data (ids included) is
 * the same for the same seed and the same starting database; each chunk is written in its own transaction with one
 * `INSERT ... SELECT * FROM unnest(...)` per table, and the next chunk is generated while the
 * database writes the previous ones. Memory holds at most `concurrency + 1` chunks.
 */
export const DEMO_REFERENCE_DATE = '2026-11-01';

export interface GeneratePeopleOptions {
  people: number;
  seed?: number;
  /**
   * The index of the first person made (default 0): people `first` .. `first + people - 1`,
   * with the ids they have when made from 0. The same seed, index and `people` give the same
   * person in either vendor's database, so two databases may hold overlapping ranges.
   */
  first?: number;
  onProgress?: (done: number) => void;
  /** People per statement; default 2,000. */
  chunkSize?: number;
  /** Chunks written at the same time; default 2 (use 1 on the embedded PGlite). */
  concurrency?: number;
  /** Nothing generated lies after this date ('YYYY-MM-DD'); fixed by default, for determinism. */
  today?: string;
  contract?: NationalContract;
}

export interface GenerationSummary {
  people: number;
  /** People whose latest approval row is DA_DUYET. */
  approved: number;
  /** How many generated people show each quirk (every quirk listed, zeros included). */
  byQuirk: Record<string, number>;
  /** can_bo.id -> quirk, for people the national rules must reject. */
  intentionallyInvalid: Map<number, string>;
  /** Rows written per vendor table (dm_don_vi: units added). */
  rows: Record<string, number>;
}

export async function generatePeople(db: Db, options: GeneratePeopleOptions): Promise<GenerationSummary> {
  const people = options.people;
  if (!Number.isInteger(people) || people < 0) throw new DemoError('demo.options_invalid', `people must be a whole number >= 0, got ${people}`);
  const first = options.first ?? 0;
  if (!Number.isInteger(first) || first < 0) throw new DemoError('demo.options_invalid', `first must be a whole number >= 0, got ${first}`);
  const chunkSize = options.chunkSize ?? 2000;
  const concurrency = Math.max(1, options.concurrency ?? 2);
  if ((await countProvincialTables(db)) < PROVINCIAL_TABLES.length) {
    throw new DemoError('demo.schema_missing', 'the vendor schema qlcb is absent or incomplete: install it first (installProvincialSchema)');
  }
  const summary: GenerationSummary = {
    people: 0, approved: 0, byQuirk: Object.fromEntries(QUIRKS.map((q) => [q, 0])), intentionallyInvalid: new Map(),
    rows: Object.fromEntries(['dm_don_vi', 'can_bo', ...Object.keys(HISTORY_TABLES)].map((t) => [t, 0])),
  };
  const ctx = await prepareContext(db, options, summary);

  await writeInChunks(db, { total: people, chunkSize, concurrency, onProgress: options.onProgress }, async (start, size) => {
    const ids = await reserveIds(db, 'qlcb.can_bo', size);
    const persons: GeneratedPerson[] = [];
    for (let i = 0; i < size; i++) {
      persons.push(generatePerson(ctx, first + start + i, ids[i] as number));
      // Let the writes of earlier chunks progress while this one is made.
      if (i % 250 === 249) await new Promise((resolve) => setImmediate(resolve));
    }
    const historyIds = await reserveHistoryIds(db, persons);
    return (tx) => writeChunk(tx, persons, historyIds, summary);
  }, 'demo-data: writing people');
  return summary;
}

async function prepareContext(db: Db, options: GeneratePeopleOptions, summary: GenerationSummary): Promise<GenerationContext> {
  return db.transaction(async (tx) => {
    for (const table of ['qlcb.dm_don_vi', 'qlcb.dm_ngach']) await raiseSequence(tx, table, 100);
    await raiseSequence(tx, 'qlcb.can_bo', 100 + (options.first ?? 0));
    const ranks = new RankCatalogue(options.contract ?? nationalContract());
    const rankIds = await ensureRanks(tx, ranks);
    const ethnicities = await ensureEthnicities(tx);
    const plan = planUnits(Math.ceil(options.people / 40));
    const { units, added } = await ensureUnits(tx, QLCB_UNITS, plan);
    summary.rows.dm_don_vi = added;
    const weighted = units.map((value, i) => ({ value, weight: value.active ? (plan[i]?.weight ?? 0) : 0 }));
    const closedUnits: Workplace[] = units.filter((u) => !u.active && u.kind === 'district_office');
    return {
      seed: options.seed ?? 1,
      today: options.today ?? DEMO_REFERENCE_DATE,
      workplaces: new WeightedPicker(weighted),
      closedUnits,
      ethnicities,
      ranks,
      rankIds,
    };
  });
}

async function reserveHistoryIds(db: Queryable, persons: readonly GeneratedPerson[]): Promise<Record<HistoryTable, number[]>> {
  const ids = {} as Record<HistoryTable, number[]>;
  for (const [name, spec] of Object.entries(HISTORY_TABLES) as [HistoryTable, { table: string }][]) {
    let n = 0;
    for (const p of persons) n += p.history[name].length;
    ids[name] = await reserveIds(db, spec.table, n);
  }
  return ids;
}

async function writeChunk(
  tx: Queryable,
  persons: readonly GeneratedPerson[],
  historyIds: Record<HistoryTable, number[]>,
  summary: GenerationSummary,
): Promise<void> {
  const canBo = new ColumnBatch(CAN_BO);
  const history = Object.fromEntries(
    Object.entries(HISTORY_TABLES).map(([name, spec]) => [name, new ColumnBatch(spec)]),
  ) as Record<HistoryTable, ColumnBatch>;
  const columns = CAN_BO.columns.map(([name]) => name as keyof GeneratedPerson['canBo']);
  const next = Object.fromEntries(Object.keys(history).map((name) => [name, 0])) as Record<HistoryTable, number>;
  for (const p of persons) {
    canBo.push(columns.map((c) => p.canBo[c]));
    for (const name of Object.keys(history) as HistoryTable[]) {
      for (const row of p.history[name]) history[name].push([historyIds[name][next[name]++], p.canBo.id, ...row]);
    }
  }
  // Each count is added after its write: `total + (await write())` reads the total before
  // awaiting, and two chunks written at once would then lose one chunk's rows from the sum.
  const written: [string, number][] = [['can_bo', await canBo.write(tx)]];
  for (const name of Object.keys(history) as HistoryTable[]) written.push([name, await history[name].write(tx)]);
  for (const [table, n] of written) summary.rows[table] = (summary.rows[table] ?? 0) + n;
  // Counted once the chunk is written, so a failed chunk does not show in the summary.
  for (const p of persons) {
    summary.people++;
    if (p.approved) summary.approved++;
    for (const q of p.quirks) {
      summary.byQuirk[q] = (summary.byQuirk[q] ?? 0) + 1;
      if (INVALIDATING_QUIRKS.has(q)) summary.intentionallyInvalid.set(p.canBo.id, q);
    }
  }
}
