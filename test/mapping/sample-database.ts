import { installProvincialSchema } from '../../src/demo/provincial-schema.js';
import type { CompiledMapping } from '../../src/mapping/mapping-compiler.js';
import type { ReferenceData, SourcePerson } from '../../src/mapping/mapping-types.js';
import { readPersons, type PersonFilter } from '../../src/source/person-reader.js';
import { freshDatabase, type Backend, type TestDatabase } from '../setup/databases.js';

/** A fresh database of `backend` holding the vendor schema and contract/provincial/sample.sql. */
export async function sampleDatabase(backend: Backend): Promise<TestDatabase> {
  const t = await freshDatabase(backend);
  await installProvincialSchema(t.db, { sample: true });
  return t;
}

/** Every person the filter selects, with the reference data of the same snapshot. */
export async function readAll(
  t: TestDatabase, mapping: CompiledMapping, filter: PersonFilter, chunkSize = 5,
): Promise<{ reference: ReferenceData | undefined; persons: SourcePerson[]; chunks: number }> {
  const persons: SourcePerson[] = [];
  let reference: ReferenceData | undefined;
  let chunks = 0;
  for await (const chunk of readPersons(t.db, mapping, filter, chunkSize)) {
    reference = chunk.reference;
    persons.push(...chunk.persons);
    chunks += 1;
  }
  return { reference, persons, chunks };
}
