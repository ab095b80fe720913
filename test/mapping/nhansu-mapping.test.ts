import { expect } from 'chai';
import { generatePeople } from '../../src/demo/generate-people.js';
import { generateNhansu, type NhansuSummary } from '../../src/demo/nhansu/generate-nhansu.js';
import { installNhansuSchema } from '../../src/demo/nhansu/nhansu-schema.js';
import { installProvincialSchema } from '../../src/demo/provincial-schema.js';
import type { CompiledMapping } from '../../src/mapping/mapping-compiler.js';
import { loadMapping } from '../../src/mapping/mapping-loader.js';
import type { NationalRecord } from '../../src/mapping/mapping-types.js';
import { mapPerson } from '../../src/mapping/person-mapper.js';
import { freshDatabase, type TestDatabase } from '../setup/databases.js';
import { readAll } from './sample-database.js';

/**
 * The nhansu mapping over generated people: nhansu and qlcb hold the same people for the same
 * seed (src/demo/nhansu), so each person's national record from nhansu must be the one qlcb's
 * mapping makes, except where nhansu keeps less (periods of study as years; a career period
 * with a year-only end kept to the year at both ends). Soft-deleted people are never read.
 */
const PEOPLE = 1200;

async function mapAll(t: TestDatabase, mapping: CompiledMapping): Promise<Map<string, { vendorId: string; ok: boolean; record: NationalRecord; errors?: unknown }>> {
  const { persons, reference } = await readAll(t, mapping, { all: true }, 500);
  const out = new Map<string, { vendorId: string; ok: boolean; record: NationalRecord; errors?: unknown }>();
  for (const person of persons) {
    const result = mapPerson(mapping, person, reference ?? { tables: new Map() });
    out.set(person.vendorId, { vendorId: person.vendorId, ok: result.ok, record: result.record, ...(result.ok ? {} : { errors: result.errors }) });
  }
  return out;
}

/** What nhansu cannot hold: month of study periods; a career period's months when one end is year-only. */
function comparable(record: NationalRecord): NationalRecord {
  const year = (v: unknown): unknown => (typeof v === 'string' ? v.slice(0, 4) : v);
  const copy = structuredClone(record) as Record<string, unknown>;
  for (const row of (copy.daoTao ?? []) as Record<string, unknown>[]) {
    row.tuThang = year(row.tuThang);
    row.denThang = year(row.denThang);
  }
  for (const row of (copy.quaTrinhCongTac ?? []) as Record<string, unknown>[]) {
    if ([row.tuThang, row.denThang].some((v) => typeof v === 'string' && v.length === 4)) {
      row.tuThang = year(row.tuThang);
      row.denThang = year(row.denThang);
    }
  }
  return copy;
}

describe('nhansu mapping of generated people', function () {
  this.timeout(300_000);
  const nhansuMapping = loadMapping('mappings/nhansu');
  const qlcbMapping = loadMapping('mappings/qlcb');
  let nhansu: TestDatabase;
  let qlcb: TestDatabase;
  let summary: NhansuSummary;

  before(async function () {
    [nhansu, qlcb] = await Promise.all([freshDatabase('postgres'), freshDatabase('postgres')]);
    await installNhansuSchema(nhansu.db);
    await installProvincialSchema(qlcb.db, { sample: false });
    summary = await generateNhansu(nhansu.db, { people: PEOPLE, seed: 11 });
    await generatePeople(qlcb.db, { people: PEOPLE, seed: 11 });
  });
  after(async function () {
    await nhansu?.drop();
    await qlcb?.drop();
  });

  it('reads every person but the soft-deleted, and maps each valid one to an acceptable record', async function () {
    const records = await mapAll(nhansu, nhansuMapping);
    expect(summary.deleted.size).to.be.greaterThan(0);
    expect(records.size).to.equal(PEOPLE - summary.deleted.size);
    for (const id of summary.deleted) expect(records.has(String(id)), `deleted ${id}`).to.equal(false);
    const unexpected = [...records.values()]
      .filter((r) => r.ok === summary.intentionallyInvalid.has(Number(r.vendorId)))
      .map((r) => `${r.vendorId}: ${r.ok ? 'accepted though invalid' : JSON.stringify(r.errors)}`);
    expect(unexpected.slice(0, 5)).to.deep.equal([]);
  });

  it('gives each person the national record qlcb gives them, but for what nhansu keeps to the year', async function () {
    const ours = await mapAll(nhansu, nhansuMapping);
    const theirs = await mapAll(qlcb, qlcbMapping);
    let compared = 0;
    const wrong: string[] = [];
    for (const [id, mine] of ours) {
      const other = theirs.get(id);
      if (!other || !mine.ok) continue;
      compared += 1;
      const a = comparable(mine.record);
      const b = comparable(other.record);
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) wrong.push(`${id} ${key}: ${JSON.stringify(a[key])} vs ${JSON.stringify(b[key])}`);
      }
    }
    expect(compared).to.be.greaterThan(PEOPLE * 0.9);
    expect(wrong.slice(0, 8)).to.deep.equal([]);
  });
});
