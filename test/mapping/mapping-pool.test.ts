import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { decodePayload } from '../../src/encoding/payload-codec.js';
import type { MappedPerson } from '../../src/mapping/mapped-person.js';
import { loadMapping } from '../../src/mapping/mapping-loader.js';
import { createPersonMapper, createSharedPersonMappers, type PersonMapper } from '../../src/mapping/mapping-pool.js';
import type { ReferenceData } from '../../src/mapping/mapping-types.js';
import { mapPerson } from '../../src/mapping/person-mapper.js';
import { parseSourcePerson, type RawPerson } from '../../src/mapping/raw-person.js';
import { readRawPersons } from '../../src/source/person-reader.js';
import type { TestDatabase } from '../setup/databases.js';
import { sampleDatabase } from './sample-database.js';

/**
 * The mapping threads against the calling thread on contract/provincial/sample.sql. The pool
 * is backend-blind (it sees RawPerson text), so PGlite alone feeds it. Expectations about the
 * sample people (who is approved, by which unit) are read by hand from sample.sql and the
 * golden files of test/fixtures/golden/qlcb-sample/, not from the code under test.
 */

/** Sample persons 1..9 map to a record, 10..12 fail (golden files). */
const SAMPLE_IDS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'];
const FAILING_IDS = ['10', '11', '12'];
/** Every latest phe_duyet row names unit 2 (Sở Nội vụ, 000.00.05.H62) but person 10's (no unit). */
const SO_NOI_VU = '000.00.05.H62';
const NO_APPROVING_UNIT = ['10'];

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

async function failureOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  return undefined;
}

/** The same reference data without the approving unit (unit 2) in its unit table. */
function withoutUnit2(reference: ReferenceData): ReferenceData {
  const tables = new Map(reference.tables);
  const units = new Map(tables.get('don_vi'));
  expect(units.delete('2'), 'unit 2 in the sample reference').to.equal(true);
  tables.set('don_vi', units);
  return { tables };
}

describe('mapping threads on the sample people (pglite)', function () {
  this.timeout(60_000);
  const mapping = loadMapping('mappings/qlcb');
  let t: TestDatabase | undefined;
  let chunks: RawPerson[][];
  let all: RawPerson[];
  let reference: ReferenceData;
  let pool: PersonMapper | undefined;
  const inlineXml = createPersonMapper(mapping, { threads: 0, xml: true, hash: true });
  const inline = createPersonMapper(mapping, { threads: 0 });

  before(async function () {
    pool = createPersonMapper(mapping, { threads: 2, xml: true, hash: true });
    t = await sampleDatabase('pglite');
    chunks = [];
    let first: ReferenceData | undefined;
    for await (const chunk of readRawPersons(t.db, mapping, { all: true }, 5)) {
      first ??= chunk.reference;
      chunks.push(chunk.raws);
    }
    all = chunks.flat();
    reference = first as ReferenceData;
  });
  after(async function () {
    await pool?.close();
    await t?.drop();
  });

  function threaded(): PersonMapper {
    if (!pool) throw new Error('no pool');
    return pool;
  }

  it('reads the twelve sample persons in chunks of five', function () {
    expect(chunks.map((c) => c.length)).to.deep.equal([5, 5, 2]);
    expect(all.map((r) => r.vendorId)).to.deep.equal(SAMPLE_IDS);
    expect(threaded().threads).to.equal(2);
    expect(inline.threads).to.equal(0);
  });

  it('maps every chunk on two threads exactly as on the calling thread, in the input order', async function () {
    // All chunks at once, so both threads work, plus one chunk in reverse vendor order.
    const inputs = [...chunks, [...all].reverse()];
    const onThreads = await Promise.all(inputs.map((raws) => threaded().map(raws, reference)));
    const onCaller = await Promise.all(inputs.map((raws) => inlineXml.map(raws, reference)));
    expect(onThreads).to.deep.equal(onCaller);
    onThreads.forEach((mapped, i) => {
      expect(mapped.map((m) => m.vendorId)).to.deep.equal(inputs[i]?.map((r) => r.vendorId));
    });
    const flat = onThreads.slice(0, chunks.length).flat();
    expect(flat.filter((m) => !m.ok).map((m) => m.vendorId)).to.deep.equal(FAILING_IDS);
  });

  it('gives mapPerson\'s record, serialised and hashed, or its errors', async function () {
    const mapped = await threaded().map(all, reference);
    expect(mapped).to.have.length(SAMPLE_IDS.length);
    mapped.forEach((m, i) => {
      const raw = all[i] as RawPerson;
      const expected = mapPerson(mapping, parseSourcePerson(raw), reference);
      expect(m.vendorId).to.equal(raw.vendorId);
      expect(m.ok, `person ${m.vendorId} ok`).to.equal(expected.ok);
      expect(m.warnings).to.deep.equal(expected.warnings);
      if (m.ok && expected.ok) {
        expect(JSON.parse(m.recordJson)).to.deep.equal(expected.record);
        expect(m.recordHash).to.equal(sha256(m.recordJson));
        expect(m.soDinhDanh).to.equal(expected.record.soDinhDanh);
        expect(m.tinhTrang).to.equal((expected.record.tinhTrang as { ma: string }).ma);
      } else if (!m.ok && !expected.ok) {
        expect(m.errors).to.deep.equal(expected.errors);
      }
    });
  });

  it('adds the record as XML and its hash when asked, and only then', async function () {
    const withXml = await threaded().map(all, reference);
    const without = await inline.map(all, reference);
    for (const m of without) {
      expect(m, `person ${m.vendorId}`).to.not.have.property('recordXml');
      expect(m, `person ${m.vendorId}`).to.not.have.property('recordHash');
    }
    const stripped = withXml.map((m) => {
      const copy = { ...m };
      if (copy.ok) {
        delete copy.recordXml;
        delete copy.recordHash;
      }
      return copy;
    });
    expect(without).to.deep.equal(stripped);
    for (const m of withXml) {
      if (!m.ok) {
        expect(m).to.not.have.property('recordXml');
        expect(m).to.not.have.property('recordHash');
        continue;
      }
      const xml = m.recordXml as string;
      expect(xml).to.match(/<hoSo xmlns="urn:csdl-cbccvc:v1">/);
      expect(xml).to.include(`<soDinhDanh>${m.soDinhDanh}</soDinhDanh>`);
      expect(decodePayload('record', 'xml', Buffer.from(xml, 'utf8'))).to.deep.equal(JSON.parse(m.recordJson));
    }
  });

  it('names the approving unit by its agency code', async function () {
    const mapped = await threaded().map(all, reference);
    for (const m of mapped) {
      const expected = NO_APPROVING_UNIT.includes(m.vendorId) ? undefined : SO_NOI_VU;
      expect(m.approvedByUnit, `person ${m.vendorId}`).to.equal(expected);
    }
  });

  it('uses each ReferenceData object for the chunks mapped with it, in turn and interleaved', async function () {
    const other = withoutUnit2(reference);
    const byRef = (ref: ReferenceData) => (ref === reference ? 'full' : 'no unit 2');
    const order = [reference, other, reference, other];
    // Interleaved: jobs of both references are in flight on the threads at once.
    const interleaved = await Promise.all(order.map((ref) => threaded().map(all, ref)));
    // In turn: each reference after the other has been answered.
    const inTurn: MappedPerson[][] = [];
    for (const ref of order) inTurn.push(await threaded().map(all, ref));
    for (const [i, ref] of order.entries()) {
      const expected = await inlineXml.map(all, ref);
      expect(interleaved[i], `interleaved ${i} (${byRef(ref)})`).to.deep.equal(expected);
      expect(inTurn[i], `in turn ${i} (${byRef(ref)})`).to.deep.equal(expected);
    }
    const units = (mapped: MappedPerson[] | undefined) => mapped?.map((m) => m.approvedByUnit ?? null);
    const full = SAMPLE_IDS.map((id) => (NO_APPROVING_UNIT.includes(id) ? null : SO_NOI_VU));
    expect(units(inTurn[0])).to.deep.equal(full);
    expect(units(inTurn[1])).to.deep.equal(SAMPLE_IDS.map(() => null));
    expect(units(interleaved[2])).to.deep.equal(full);
    expect(units(interleaved[3])).to.deep.equal(SAMPLE_IDS.map(() => null));
  });

  it('with callerShares, maps on the calling thread a chunk asked while every thread holds two', async function () {
    const sharing = createPersonMapper(mapping, { threads: 1, callerShares: true });
    try {
      expect([inline.inFlight, threaded().inFlight, sharing.inFlight]).to.deep.equal([2, 4, 3]);
      await sharing.map([], reference); // started
      const inputs = [...chunks, [...all].reverse()];
      const answered: number[] = [];
      const results = await Promise.all(inputs.map((raws, i) => sharing.map(raws, reference).then((mapped) => {
        answered.push(i);
        return mapped;
      })));
      // The third chunk found the thread holding two: mapped here, so answered first.
      expect(answered[0]).to.equal(2);
      expect(results).to.deep.equal(await Promise.all(inputs.map((raws) => inline.map(raws, reference))));
    } finally {
      await sharing.close();
    }
  });

  it('serves several mappings on one set of threads, each chunk under its own mapping and reference data', async function () {
    // A merged province: the qlcb mapping and the nhansu mapping on one thread, asked in turn.
    // nhansu makes no record of a qlcb row, and says why: the same as it says on the calling thread.
    const nhansu = loadMapping('mappings/nhansu');
    const shared = createSharedPersonMappers([mapping, nhansu], { threads: 1, hash: true });
    try {
      const qlcbOnThread = shared.mapperFor(0);
      const nhansuOnThread = shared.mapperFor(1);
      expect(qlcbOnThread.threads).to.equal(1);
      const other = withoutUnit2(reference);
      const asked = await Promise.all(chunks.flatMap((raws) => [qlcbOnThread.map(raws, reference), nhansuOnThread.map(raws, other), qlcbOnThread.map(raws, other)]));
      const qlcbInline = createPersonMapper(mapping, { threads: 0, hash: true });
      const nhansuInline = createPersonMapper(nhansu, { threads: 0, hash: true });
      const expected = await Promise.all(chunks.flatMap((raws) => [qlcbInline.map(raws, reference), nhansuInline.map(raws, other), qlcbInline.map(raws, other)]));
      expect(asked).to.deep.equal(expected);
      expect(asked[0]!.some((m) => m.ok), 'qlcb maps qlcb rows').to.equal(true);
      expect(asked[1]!.every((m) => !m.ok), 'nhansu maps no qlcb row').to.equal(true);
      await qlcbOnThread.close(); // a mapper of the pool: the threads go on
      expect(await nhansuOnThread.map(chunks[0]!, other)).to.deep.equal(expected[1]);
    } finally {
      await shared.close();
    }
  });

  it('rejects a chunk whose raw JSON cannot be parsed, and keeps serving', async function () {
    const bad: RawPerson[] = [all[0] as RawPerson, { vendorId: '999', json: '{"doc": {"ho_ten": ' }];
    const err = await failureOf(() => threaded().map(bad, reference));
    expect(err).to.be.instanceOf(Error);
    expect((err as Error).message).to.match(/^mapping thread:/);
    // On the calling thread the same chunk fails too (thrown or rejected).
    const inlineErr = await failureOf(async () => inline.map(bad, reference));
    expect(inlineErr).to.be.instanceOf(SyntaxError);
    // The threads are still up, and answer the next chunk.
    const after = await threaded().map(all.slice(0, 2), reference);
    expect(after.map((m) => m.vendorId)).to.deep.equal(['1', '2']);
  });
});

describe('a closed mapping pool', function () {
  this.timeout(60_000);
  const mapping = loadMapping('mappings/qlcb');

  it('rejects map() after close()', async function () {
    const pool = createPersonMapper(mapping, { threads: 1 });
    const reference: ReferenceData = { tables: new Map() };
    try {
      // Started and answering (an empty chunk needs no reference rows).
      expect(await pool.map([], reference)).to.deep.equal([]);
      await pool.close();
      const err = await failureOf(() => pool.map([], reference));
      expect(err).to.be.instanceOf(Error);
    } finally {
      await pool.close();
    }
  });
});
