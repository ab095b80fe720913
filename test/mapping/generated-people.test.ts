import { expect } from 'chai';
import { generatePeople, type GenerationSummary } from '../../src/demo/generate-people.js';
import { installProvincialSchema } from '../../src/demo/provincial-schema.js';
import { loadMapping } from '../../src/mapping/mapping-loader.js';
import { mapPerson } from '../../src/mapping/person-mapper.js';
import { freshDatabase, type TestDatabase } from '../setup/databases.js';
import { readAll } from './sample-database.js';

/**
 * Property test over the demo generator (helper D): every generated person not marked
 * intentionally invalid maps to a record the national validator accepts, and every one that
 * is marked invalid is refused. Two seeds, so the property is not tuned to one data set.
 */
describe('qlcb mapping of generated people (property)', function () {
  this.timeout(180_000);
  const mapping = loadMapping('mappings/qlcb');

  for (const seed of [7, 2024]) {
    it(`maps every valid generated person to an acceptable record (seed ${seed})`, async function () {
      const t: TestDatabase = await freshDatabase('postgres');
      try {
        await installProvincialSchema(t.db, { sample: false });
        const summary: GenerationSummary = await generatePeople(t.db, { people: 1500, seed });
        const { persons, reference } = await readAll(t, mapping, { all: true }, 500);
        expect(persons).to.have.length(summary.people);
        const unexpected: string[] = [];
        let refused = 0;
        for (const person of persons) {
          const result = mapPerson(mapping, person, reference ?? { tables: new Map() });
          const quirk = summary.intentionallyInvalid.get(Number(person.vendorId));
          if (quirk === undefined && !result.ok) unexpected.push(`${person.vendorId}: ${JSON.stringify(result.errors)}`);
          if (quirk !== undefined) {
            if (result.ok) unexpected.push(`${person.vendorId} (${quirk}) was accepted`);
            else refused += 1;
          }
        }
        expect(unexpected.slice(0, 5)).to.deep.equal([]);
        expect(refused).to.equal(summary.intentionallyInvalid.size);
      } finally {
        await t.drop();
      }
    });
  }
});
