import type { Db, Queryable } from '../db/db.js';
import type { Mapping, ReferenceData, SourcePerson } from '../mapping/mapping-types.js';
import { parseSourcePerson, type RawPerson } from '../mapping/raw-person.js';
import { identityColumns, identityOf } from '../mapping/person-identity.js';
import type { CompiledMapping } from '../mapping/mapping-compiler.js';
import { personQuery, personRowsQuery, referenceQueries, type Selection } from './person-queries.js';
import { SourceError } from './source-error.js';

export type { RawPerson } from '../mapping/raw-person.js';

/**
 * Reading persons from the provincial database in chunks: by vendor ids, or all
 * of them page by page on the person id (keyset, never OFFSET), inside one REPEATABLE READ,
 * READ ONLY transaction so every chunk sees the same snapshot. At most one chunk is held ahead
 * of the consumer, so memory stays flat in the number of persons.
 */
export type PersonFilter =
  | { vendorIds: string[]; approvedOnly?: boolean }
  | { all: true; after?: string; approvedOnly?: boolean };

/**
 * One query's rows -> the chunk's persons, or a stop: every chosen person must come back with
 * exactly one document. Nothing of a chunk with a missing or doubled person is handed on, so
 * no run sends part of what it chose and reports success.
 */
function chunkOf(rows: Record<string, unknown>[]): { raws: RawPerson[]; chosen: number; last: string | undefined } {
  const missing: string[] = [];
  const doubled = new Set<string>();
  const seen = new Set<string>();
  const raws: RawPerson[] = [];
  for (const row of rows) {
    const vendorId = String(row.person_key);
    if (row.missing === true) missing.push(vendorId);
    else if (seen.has(vendorId)) doubled.add(vendorId);
    else raws.push({ vendorId, json: String(row.person) });
    seen.add(vendorId);
  }
  if (missing.length > 0) {
    throw new SourceError('source.person_missing', `${missing.length} chosen person(s) have no document from source.documentSql ` +
      `(vendor ids ${listed(missing)}): the documentSql must return every person the engine chooses; filter people with source.persons.where instead`, {
      details: missing.map((id) => ({ path: `/source/documentSql`, message: `no document for vendor id ${id}` })),
    });
  }
  if (doubled.size > 0) {
    throw new SourceError('source.person_duplicate', `source.documentSql returned several documents for vendor ids ${listed([...doubled])}`);
  }
  return { raws, chosen: seen.size, last: rows.length > 0 ? String(rows[rows.length - 1]?.person_key) : undefined };
}

function listed(ids: string[]): string {
  return ids.length > 20 ? `${ids.slice(0, 20).join(', ')} and ${ids.length - 20} more` : ids.join(', ');
}

let numericOrder: Intl.Collator | undefined;
/** Vendor ids in numeric-aware order ('9' before '10'); the collator is made once, on first use. */
const idOrder = (): ((a: string, b: string) => number) => (numericOrder ??= new Intl.Collator('en', { numeric: true })).compare;

/**
 * Chunks on a connection the caller holds (already in its transaction), each person unparsed.
 * Pages are cut on the chosen ids, never on how many documents came back.
 */
export async function* readRawPersonChunks(
  q: Queryable, mapping: Mapping, filter: PersonFilter, chunkSize: number,
): AsyncGenerator<RawPerson[]> {
  const approvedOnly = filter.approvedOnly === true;
  if ('vendorIds' in filter) {
    // None: no query, and no collator (making the first one loads ICU's data: 7 ms in a bare process, 23 ms in a profile of the sync on its former thread).
    if (filter.vendorIds.length === 0) return;
    // In id order, each once, like the keyset pages.
    const ids = [...new Set(filter.vendorIds)].sort(idOrder());
    for (let i = 0; i < ids.length; i += chunkSize) {
      const selection: Selection = { ids: ids.slice(i, i + chunkSize) };
      const { text: sql, values } = personQuery(mapping.source, selection, approvedOnly);
      const { raws } = chunkOf((await q.query(sql, values)).rows);
      if (raws.length > 0) yield raws;
    }
    return;
  }
  let after = filter.after;
  for (;;) {
    const { text: sql, values } = personQuery(mapping.source, { after, limit: chunkSize }, approvedOnly);
    const { raws, chosen, last } = chunkOf((await q.query(sql, values)).rows);
    if (raws.length > 0) yield raws;
    if (chosen < chunkSize) return;
    after = last;
  }
}

/**
 * Each given person's số định danh as the mapping's rule makes it from the person row alone
 * (person-identity.ts), keyed by vendor id; a person whose row makes none is left out. Read
 * on the caller's connection (in its snapshot), `chunkSize` ids a query.
 */
export async function readIdentities(q: Queryable, mapping: CompiledMapping, vendorIds: string[], chunkSize = 10_000): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (!mapping.identity) return found;
  const columns = identityColumns(mapping);
  for (let i = 0; i < vendorIds.length; i += chunkSize) {
    const { text: sql, values } = personRowsQuery(mapping.source, vendorIds.slice(i, i + chunkSize), columns);
    const res = await q.query<{ person_key: string; doc: string }>(sql, values);
    for (const row of res.rows) {
      const sdd = identityOf(mapping, JSON.parse(row.doc));
      if (sdd !== undefined) found.set(row.person_key, sdd);
    }
  }
  return found;
}

/** Reference tables (units, ranks, ethnicities...) keyed as the mapping says. */
export async function readReference(q: Queryable, mapping: Mapping): Promise<ReferenceData> {
  const tables = new Map<string, Map<string, Record<string, unknown>>>();
  for (const { name, key, text: sql } of referenceQueries(mapping.source)) {
    const res = await q.query(sql);
    tables.set(name, new Map(res.rows.map((row) => [String(row[key]), row])));
  }
  return { tables };
}

/**
 * The reference tables and then the persons' chunks, unparsed, all from one consistent
 * snapshot. Breaking out of the loop ends the transaction.
 */
export async function* readRawPersons(
  db: Db, mapping: Mapping, filter: PersonFilter, chunkSize = 1000,
): AsyncGenerator<{ reference: ReferenceData; raws: RawPerson[] }> {
  const channel = createHandoff<{ reference: ReferenceData; raws: RawPerson[] }>();
  const producer = db
    .transaction(async (tx) => {
      const reference = await readReference(tx, mapping);
      for await (const raws of readRawPersonChunks(tx, mapping, filter, chunkSize)) {
        if (!(await channel.put({ reference, raws }))) return;
      }
    }, { isolation: 'repeatable read', readOnly: true })
    .then(() => channel.end(), (err: unknown) => channel.fail(err));
  try {
    for (;;) {
      const next = await channel.take();
      if (next === DONE) return;
      yield next;
    }
  } finally {
    channel.cancel();
    await producer;
  }
}

/** As readRawPersons, each person parsed. */
export async function* readPersons(
  db: Db, mapping: Mapping, filter: PersonFilter, chunkSize = 1000,
): AsyncGenerator<{ reference: ReferenceData; persons: SourcePerson[] }> {
  for await (const { reference, raws } of readRawPersons(db, mapping, filter, chunkSize)) {
    yield { reference, persons: raws.map(parseSourcePerson) };
  }
}

const DONE = Symbol('done');

/** A one-slot rendezvous: the producer waits until the consumer has taken each chunk. */
function createHandoff<T>() {
  let slot: { value: T; taken: (accepted: boolean) => void } | undefined;
  let waiter: ((v: T | typeof DONE) => void) | undefined;
  let failure: { err: unknown } | undefined;
  let finished = false;
  let cancelled = false;
  let rejectWaiter: ((err: unknown) => void) | undefined;
  return {
    put(value: T): Promise<boolean> {
      if (cancelled) return Promise.resolve(false);
      return new Promise<boolean>((resolve) => {
        if (waiter) {
          const w = waiter;
          waiter = undefined;
          rejectWaiter = undefined;
          w(value);
          resolve(true);
        } else {
          slot = { value, taken: resolve };
        }
      });
    },
    take(): Promise<T | typeof DONE> {
      if (slot) {
        const { value, taken } = slot;
        slot = undefined;
        taken(true);
        return Promise.resolve(value);
      }
      if (failure) return Promise.reject(failure.err);
      if (finished) return Promise.resolve(DONE);
      return new Promise((resolve, reject) => {
        waiter = resolve;
        rejectWaiter = reject;
      });
    },
    end(): void {
      finished = true;
      waiter?.(DONE);
      waiter = undefined;
    },
    fail(err: unknown): void {
      failure = { err };
      rejectWaiter?.(err);
      waiter = undefined;
      rejectWaiter = undefined;
    },
    cancel(): void {
      cancelled = true;
      slot?.taken(false);
      slot = undefined;
    },
  };
}
