import { nationalContract } from '../../contract/national-contract.js';
import type { Db, Queryable } from '../../db/db.js';
import { writeInChunks } from '../chunked-writes.js';
import { ColumnBatch } from '../column-batch.js';
import { DemoError } from '../demo-error.js';
import type { GenerationContext, Workplace } from '../demo-model.js';
import { DEMO_REFERENCE_DATE, type GeneratePeopleOptions, type GenerationSummary } from '../generate-people.js';
import { generatePerson } from '../person-generator.js';
import { INVALIDATING_QUIRKS, QUIRKS } from '../quirks.js';
import { RankCatalogue } from '../rank-catalogue.js';
import { ethnicityPicker } from '../reference-store.js';
import { WeightedPicker } from '../seeded-random.js';
import { planUnits } from '../unit-plan.js';
import { raiseSequence, reserveIds } from '../unit-store.js';
import { ETHNIC_GROUPS, itemCatalogue } from './nhansu-catalogue.js';
import { type NhansuCodes, type NhansuPerson, toNhansu } from './nhansu-person.js';
import { ensureUnits } from '../unit-store.js';
import { ensureLookups, NHANSU_UNITS } from './nhansu-reference.js';
import { countNhansuTables } from './nhansu-schema.js';
import { EMPLOYEE, NHANSU_HISTORY, NHANSU_TABLES, type NhansuHistoryTable } from './nhansu-tables.js';

/**
 * `demo-data --vendor nhansu`: the same generated people as for qlcb (same seed, same
 * vendor-neutral generator), written into the nhansu schema in chunks: ids reserved in order,
 * one `INSERT ... SELECT * FROM unnest(...)` per table and chunk, the next chunk made while the
 * previous ones are written. Soft-deleted people are written too (is_deleted): they are in the
 * vendor's database and must never be sent.
 */
export interface NhansuSummary extends GenerationSummary {
  /** emp_id of the people written with is_deleted = true. */
  deleted: Set<number>;
  /** People whose citizen_id was typed with separators. */
  separatedIds: number;
}

interface NhansuContext {
  people: GenerationContext;
  codes: NhansuCodes;
  /** The unit approving each unit's people: its parent, or itself at the top. */
  approverOf: ReadonlyMap<number, number>;
}

export async function generateNhansu(db: Db, options: GeneratePeopleOptions): Promise<NhansuSummary> {
  const people = options.people;
  if (!Number.isInteger(people) || people < 0) throw new DemoError('demo.options_invalid', `people must be a whole number >= 0, got ${people}`);
  const first = options.first ?? 0;
  if (!Number.isInteger(first) || first < 0) throw new DemoError('demo.options_invalid', `first must be a whole number >= 0, got ${first}`);
  const chunkSize = options.chunkSize ?? 2000;
  const concurrency = Math.max(1, options.concurrency ?? 2);
  if ((await countNhansuTables(db)) < NHANSU_TABLES.length) {
    throw new DemoError('demo.schema_missing', 'the vendor schema nhansu is absent or incomplete: install it first (installNhansuSchema)');
  }
  const summary: NhansuSummary = {
    people: 0, approved: 0, byQuirk: Object.fromEntries([...QUIRKS, 'citizen_id_separators', 'soft_deleted'].map((q) => [q, 0])),
    intentionallyInvalid: new Map(), deleted: new Set(), separatedIds: 0,
    rows: Object.fromEntries(['org_unit', 'employee', ...Object.keys(NHANSU_HISTORY)].map((t) => [t, 0])),
  };
  const ctx = await prepare(db, options, summary);

  await writeInChunks(db, { total: people, chunkSize, concurrency, onProgress: options.onProgress }, async (start, size) => {
    const ids = await reserveIds(db, 'nhansu.employee', size, 'emp_id');
    const persons: { person: NhansuPerson; approved: boolean; quirks: Set<string>; id: number }[] = [];
    for (let i = 0; i < size; i++) {
      const person = generatePerson(ctx.people, first + start + i, ids[i] as number);
      const approver = ctx.approverOf.get(person.canBo.don_vi_id) ?? person.canBo.don_vi_id;
      const vendor = toNhansu(person, ctx.codes, ctx.people.seed, first + start + i, approver);
      persons.push({ person: vendor, approved: person.approved, quirks: new Set([...person.quirks, ...vendor.quirks]), id: person.canBo.id });
      if (i % 250 === 249) await new Promise((resolve) => setImmediate(resolve));
    }
    const historyIds = await reserveHistoryIds(db, persons.map((p) => p.person));
    return async (tx) => {
      const written = await writeChunk(tx, persons.map((p) => p.person), historyIds);
      for (const [table, n] of written) summary.rows[table] = (summary.rows[table] ?? 0) + n;
      for (const p of persons) {
        summary.people++;
        if (p.approved) summary.approved++;
        if (p.person.deleted) summary.deleted.add(p.id);
        if (p.quirks.has('citizen_id_separators')) summary.separatedIds++;
        for (const q of p.quirks) {
          summary.byQuirk[q] = (summary.byQuirk[q] ?? 0) + 1;
          if (INVALIDATING_QUIRKS.has(q as never) && !p.person.deleted) summary.intentionallyInvalid.set(p.id, q);
        }
      }
    };
  }, 'demo-data: writing nhansu people');
  return summary;
}

async function prepare(db: Db, options: GeneratePeopleOptions, summary: NhansuSummary): Promise<NhansuContext> {
  return db.transaction(async (tx) => {
    // Past 100 as for qlcb (sample.sql's ids), so the same seed gives the same people with the same ids.
    await raiseSequence(tx, 'nhansu.employee', 100 + (options.first ?? 0), 'emp_id');
    const ranks = new RankCatalogue(options.contract ?? nationalContract());
    const items = itemCatalogue();
    await ensureLookups(tx, items, ranks);
    const plan = planUnits(Math.ceil(options.people / 40));
    const { units, added } = await ensureUnits(tx, NHANSU_UNITS, plan);
    summary.rows.org_unit = added;
    const weighted = units.map((value, i) => ({ value, weight: value.active ? (plan[i]?.weight ?? 0) : 0 }));
    const closedUnits: Workplace[] = units.filter((u) => !u.active && u.kind === 'district_office');
    // The generator knows ethnicities and ranks by number; nhansu by its own codes.
    const ethnicIds = new Map(ETHNIC_GROUPS.map(([, , model], i) => [model, i + 1]));
    const rankIds = new Map([...ranks.ranks.keys()].map((code, i) => [code, i + 1]));
    return {
      people: {
        seed: options.seed ?? 1,
        today: options.today ?? DEMO_REFERENCE_DATE,
        workplaces: new WeightedPicker(weighted),
        closedUnits,
        ethnicities: ethnicityPicker(ethnicIds, 'nhansu.lk_ethnic'),
        ranks,
        rankIds,
      },
      codes: {
        items,
        ethnicCode: new Map(ETHNIC_GROUPS.map(([code], i) => [i + 1, code])),
        gradeCode: new Map([...rankIds].map(([code, id]) => [id, code])),
      },
      approverOf: new Map(units.map((u) => [u.id, u.parentId ?? u.id])),
    };
  });
}

async function reserveHistoryIds(db: Queryable, persons: readonly NhansuPerson[]): Promise<Record<NhansuHistoryTable, number[]>> {
  const ids = {} as Record<NhansuHistoryTable, number[]>;
  for (const [name, spec] of Object.entries(NHANSU_HISTORY) as [NhansuHistoryTable, { table: string }][]) {
    let n = 0;
    for (const p of persons) n += p.history[name].length;
    ids[name] = await reserveIds(db, spec.table, n, 'rec_id');
  }
  return ids;
}

async function writeChunk(tx: Queryable, persons: readonly NhansuPerson[], historyIds: Record<NhansuHistoryTable, number[]>): Promise<[string, number][]> {
  const employees = new ColumnBatch(EMPLOYEE);
  const tables = Object.keys(NHANSU_HISTORY) as NhansuHistoryTable[];
  const history = Object.fromEntries(tables.map((name) => [name, new ColumnBatch(NHANSU_HISTORY[name])])) as Record<NhansuHistoryTable, ColumnBatch>;
  const next = Object.fromEntries(tables.map((name) => [name, 0])) as Record<NhansuHistoryTable, number>;
  for (const p of persons) {
    employees.push(p.employee);
    for (const name of tables) {
      for (const row of p.history[name]) history[name].push([historyIds[name][next[name]++], p.employee[0], ...row]);
    }
  }
  const written: [string, number][] = [['employee', await employees.write(tx)]];
  for (const name of tables) written.push([name, await history[name].write(tx)]);
  return written;
}
