import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadMapping } from '../../src/mapping/mapping-loader.js';
import { mapPerson } from '../../src/mapping/person-mapper.js';
import type { ReferenceData, SourcePerson } from '../../src/mapping/mapping-types.js';
import { paths } from '../../src/paths.js';
import { BACKENDS, type TestDatabase } from '../setup/databases.js';
import { readAll, sampleDatabase } from './sample-database.js';

/**
 * Golden test of the qlcb mapping over contract/provincial/sample.sql: every sample person
 * against the record or the errors written by hand in test/fixtures/golden/qlcb-sample/.
 */
interface Golden {
  ok: boolean;
  record?: Record<string, unknown>;
  errors?: { code: string; path: string; source: string }[];
}

const goldenDir = join(paths.root, 'test', 'fixtures', 'golden', 'qlcb-sample');
const goldens = new Map<string, Golden>(
  readdirSync(goldenDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(join(goldenDir, f), 'utf8')) as Golden]),
);

const byPath = (a: { path: string; code: string }, b: { path: string; code: string }) =>
  `${a.path} ${a.code}`.localeCompare(`${b.path} ${b.code}`);

for (const backend of BACKENDS) {
  describe(`qlcb mapping of the sample people (${backend})`, function () {
    this.timeout(60_000);
    const mapping = loadMapping('mappings/qlcb');
    let t: TestDatabase;
    let persons: SourcePerson[];
    let reference: ReferenceData;

    before(async function () {
      t = await sampleDatabase(backend);
      const read = await readAll(t, mapping, { all: true });
      persons = read.persons;
      reference = read.reference as ReferenceData;
    });
    after(async function () {
      await t?.drop();
    });

    it('reads every sample person and has a golden file for each', function () {
      expect(persons.map((p) => p.vendorId)).to.deep.equal([...goldens.keys()].sort((a, b) => Number(a) - Number(b)));
    });

    for (const [vendorId, golden] of goldens) {
      it(`person ${vendorId}: ${golden.ok ? 'the expected national record' : 'the expected errors'}`, function () {
        const person = persons.find((p) => p.vendorId === vendorId);
        expect(person, `person ${vendorId} read`).to.not.equal(undefined);
        const result = mapPerson(mapping, person as SourcePerson, reference);
        if (golden.ok) {
          expect(result.ok ? [] : result.errors).to.deep.equal([]);
          expect(result.ok && result.record).to.deep.equal(golden.record);
          expect(result.warnings).to.deep.equal([]);
        } else {
          expect(result.ok).to.equal(false);
          const errors = result.ok ? [] : result.errors.map(({ code, path, source }) => ({ code, path, source }));
          expect(errors.sort(byPath)).to.deep.equal([...(golden.errors ?? [])].sort(byPath));
        }
      });
    }
  });
}
