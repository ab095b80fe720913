import type { Queryable } from '../db/db.js';
import type { Mapping, SourcePerson } from '../mapping/mapping-types.js';
import { personsFrom } from './person-queries.js';
import { parseSourcePerson } from '../mapping/raw-person.js';
import { readRawPersonChunks } from './person-reader.js';

/**
 * One person looked up in the provincial database, for an operator explaining a refusal:
 * by the legacy CMND column the mapping declares (`source.persons.cmnd`), compared on its
 * digits alone (vendors keep it typed as on the card: '123 456 789', '123.456.789'), and one
 * person's document read as the sync reads it. The callers audit these reads.
 */

/** Vendor ids of the people (the mapping's person filter applied) whose CMND column holds `cmnd`; undefined when the mapping declares no such column. */
export async function vendorIdsByCmnd(q: Queryable, mapping: Mapping, cmnd: string): Promise<string[] | undefined> {
  const { persons } = mapping.source;
  if (persons.cmnd === undefined) return undefined;
  const res = await q.query<{ id: string }>(
    `SELECT p.${persons.id}::text AS id FROM ${personsFrom(mapping.source)}
      WHERE regexp_replace(p.${persons.cmnd}::text, '[^0-9]', '', 'g') = $1 ORDER BY p.${persons.id}`,
    [cmnd],
  );
  return res.rows.map((r) => r.id);
}

/** One person's document (the person row and its history arrays), or undefined when the database has no such person. */
export async function readPersonDocument(q: Queryable, mapping: Mapping, vendorId: string): Promise<SourcePerson | undefined> {
  for await (const chunk of readRawPersonChunks(q, mapping, { vendorIds: [vendorId] }, 1)) {
    const raw = chunk[0];
    if (raw) return parseSourcePerson(raw);
  }
  return undefined;
}
