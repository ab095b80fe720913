import { expect } from 'chai';
import { nationalContract } from '../../src/contract/national-contract.js';
import { compileMapping } from '../../src/mapping/mapping-compiler.js';
import { loadMapping, readMappingDocuments } from '../../src/mapping/mapping-loader.js';
import { isGatewayError } from '../../src/errors.js';
import { mapPerson } from '../../src/mapping/person-mapper.js';
import { readIdentities, readPersons } from '../../src/source/person-reader.js';
import { BACKENDS, type TestDatabase } from '../setup/databases.js';
import { readAll, sampleDatabase } from '../mapping/sample-database.js';

/** The qlcb mapping with its source edited: a person filter, or a documentSql that drops people. */
function qlcbWith(change: (source: Record<string, unknown>) => void) {
  const documents = readMappingDocuments('mappings/qlcb').map((d) => {
    if (d.file !== 'source.json') return d;
    const json = structuredClone(d.json) as { source: Record<string, unknown> };
    change(json.source);
    return { file: d.file, json };
  });
  return compileMapping(documents, nationalContract());
}

/** Reading persons in chunks from one snapshot, by id or all, optionally only approved ones. */
for (const backend of BACKENDS) {
  describe(`person reader (${backend})`, function () {
    this.timeout(60_000);
    const mapping = loadMapping('mappings/qlcb');
    let t: TestDatabase;

    before(async function () {
      t = await sampleDatabase(backend);
    });
    after(async function () {
      await t?.drop();
    });

    it('reads everyone page by page on the id, in order, with their history as arrays', async function () {
      const { persons, chunks } = await readAll(t, mapping, { all: true }, 5);
      expect(chunks).to.equal(3);
      expect(persons.map((p) => p.vendorId)).to.deep.equal(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12']);
      const first = persons[0]?.doc ?? {};
      expect(first.ho_ten).to.equal('Nguyễn Thị Thu Hà');
      expect(first.qua_trinh_cong_tac).to.deep.equal([
        { tu_ngay: '09/2009', den_ngay: '05/2015', don_vi: 'UBND huyện Bình Xuyên', chuc_vu: 'Chuyên viên' },
        { tu_ngay: '06/2015', den_ngay: '', don_vi: 'Sở Nội vụ tỉnh Vĩnh Phúc', chuc_vu: 'Phó Trưởng phòng' },
      ]);
      expect(persons[2]?.doc.dao_tao).to.deep.equal([]);
    });

    it('reads chosen vendor ids, and gives the latest approval row of each', async function () {
      const { persons } = await readAll(t, mapping, { vendorIds: ['12', '10', '1', '999'] }, 2);
      expect(persons.map((p) => p.vendorId)).to.deep.equal(['1', '10', '12']);
      expect(persons[0]?.approval).to.deep.equal({ id: '2', status: 'DA_DUYET', at: '2026-10-21T02:11:00.000Z', unitId: '2', approver: 'Trần Văn Bình' });
      expect(persons[1]?.approval).to.deep.equal({ id: '21', status: 'CHO_DUYET' });
    });

    it('keeps only people whose latest approval is DA_DUYET when asked', async function () {
      const { persons } = await readAll(t, mapping, { all: true, approvedOnly: true }, 4);
      expect(persons.map((p) => p.vendorId)).to.deep.equal(['1', '2', '3', '4', '5', '6', '7', '8', '9', '12']);
      expect(persons.every((p) => p.approval?.status === 'DA_DUYET')).to.equal(true);
    });

    it('applies the person filter to every page, and pages on the chosen ids to the last one', async function () {
      // Persons 5 and 7 have left (NGHI_HUU, CHUYEN_DI): the filter drops them from every read.
      const filtered = qlcbWith((source) => { (source.persons as Record<string, unknown>).where = "trang_thai = 'DANG_LAM'"; });
      for (const size of [1, 3, 5, 10]) {
        const { persons } = await readAll(t, filtered, { all: true }, size);
        expect(persons.map((p) => p.vendorId), `chunk size ${size}`).to.deep.equal(['1', '2', '3', '4', '6', '8', '9', '10', '11', '12']);
      }
      const byId = await readAll(t, filtered, { vendorIds: ['4', '5', '6', '7'] }, 2);
      expect(byId.persons.map((p) => p.vendorId)).to.deep.equal(['4', '6']);
      const approved = await readAll(t, filtered, { all: true, approvedOnly: true }, 3);
      expect(approved.persons.map((p) => p.vendorId)).to.deep.equal(['1', '2', '3', '4', '6', '8', '9', '12']);
    });

    it('stops with source.person_missing, naming them, when documentSql drops a chosen person; nothing of that chunk is handed on', async function () {
      // The silent loss: a filter written into documentSql made a short page look like the end.
      const dropping = qlcbWith((source) => {
        const lines = source.documentSql as string[];
        lines[lines.length - 1] = `${String(lines[lines.length - 1])} AND c.trang_thai = 'DANG_LAM'`;
      });
      const seen: string[] = [];
      let failure: unknown;
      try {
        for await (const { persons } of readPersons(t.db, dropping, { all: true }, 4)) seen.push(...persons.map((p) => p.vendorId));
      } catch (err) {
        failure = err;
      }
      expect(isGatewayError(failure) && failure.code).to.equal('source.person_missing');
      expect(String((failure as Error).message)).to.contain('vendor ids 5, 7');
      // Persons 1-4 came in the first chunk; the chunk 5-8 holding the dropped ones is not handed on.
      expect(seen).to.deep.equal(['1', '2', '3', '4']);
      let byId: unknown;
      try {
        await readAll(t, dropping, { vendorIds: ['6', '7'] }, 10);
      } catch (err) {
        byId = err;
      }
      expect(isGatewayError(byId) && byId.code).to.equal('source.person_missing');
    });

    it('reads from one snapshot: a change committed while reading is not seen', async function () {
      // PGlite runs one transaction at a time: no other writer can commit during the read.
      if (backend === 'pglite') this.skip();
      const seen: string[] = [];
      let changed = false;
      for await (const { persons } of readPersons(t.db, mapping, { all: true }, 5)) {
        seen.push(...persons.map((p) => String(p.doc.ho_ten)));
        if (!changed) {
          await t.db.query(`UPDATE qlcb.can_bo SET ho_ten = 'Đổi Tên' WHERE id = 12`);
          changed = true;
        }
      }
      await t.db.query(`UPDATE qlcb.can_bo SET ho_ten = 'Triệu Thị Xuân' WHERE id = 12`);
      expect(seen).to.have.length(12);
      expect(seen).to.not.include('Đổi Tên');
    });

    it('ends its transaction when the consumer stops early', async function () {
      for await (const chunk of readPersons(t.db, mapping, { all: true }, 2)) {
        expect(chunk.persons).to.have.length(2);
        break;
      }
      if (backend === 'postgres') {
        // The pool has other clients, so the read below would pass with the snapshot still open:
        // ask the server whether any session of this database is left inside a transaction.
        const open = await t.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
        );
        expect(open.rows[0]?.n, 'sessions left in a transaction').to.equal(0);
      }
      const again = await readAll(t, mapping, { vendorIds: ['3'] });
      expect(again.persons).to.have.length(1);
    });

    it('reads ahead each person\'s số định danh from the person row alone, as the whole mapping makes it', async function () {
      const { reference, persons } = await readAll(t, mapping, { all: true }, 50);
      const ids = persons.map((p) => p.vendorId);
      const ahead = await t.db.transaction((tx) => readIdentities(tx, mapping, [...ids, '999999'], 5));
      const mapped = new Map(persons.map((p) => [p.vendorId, mapPerson(mapping, p, reference!).record.soDinhDanh]));
      expect(ahead.size).to.equal(ids.length);
      for (const [vendorId, sdd] of ahead) expect(sdd, vendorId).to.equal(mapped.get(vendorId));
      // A person filter keeps its people out of the read ahead too.
      const filtered = qlcbWith((source) => {
        (source.persons as Record<string, unknown>).where = 'id <> 3';
      });
      const kept = await t.db.transaction((tx) => readIdentities(tx, filtered, ids));
      expect(kept.has('3')).to.equal(false);
      expect(kept.size).to.equal(ids.length - 1);
    });
  });
}
