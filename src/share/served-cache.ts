import type { FieldGroup } from './field-filter.js';

/**
 * The served records this process read lately, by person, each with the answers it already
 * built from it (one per granted field set). A served record is known by its version: the
 * packet it was taken in from and its approval time. The refresh replaces a person's record
 * only with a strictly newer approval, and a withheld record moves back whole, so one version
 * is one record's content. The request's one statement still reads the person's current
 * version, unit ancestors and grants every time (a grant, a unit tree or a withholding changes
 * what is served at once); it sends the record itself only when the version this process holds
 * differs. What is saved is the record's transfer and parse, its field filter and its
 * serialisation: per request, the answer's bytes are looked up, not built.
 *
 * Bounded: past `maxPeople`, the person read least recently is dropped. Pure.
 */
export interface BuiltAnswer {
  /** The answer's JSON bytes, exactly what `JSON.stringify(body)` gives. */
  json: Buffer;
  body: unknown;
  fieldGroups: FieldGroup[];
}

export interface ServedEntry {
  version: string;
  record: Record<string, unknown>;
  /** Built answers by granted field set (`groupsKey`). */
  answers: Map<string, BuiltAnswer>;
}

/** One key per set of field groups, whatever order the grants named them in. */
export function groupsKey(groups: ReadonlySet<FieldGroup>): string {
  return [...groups].sort().join(',');
}

/** Answers per person kept at most: a record seldom has more than a few granted field sets. */
const MAX_ANSWERS_PER_PERSON = 8;

export function createServedCache(maxPeople = 5_000) {
  const people = new Map<string, ServedEntry>();

  return {
    /** The entry held for a person, marked as read now. */
    get(soDinhDanh: string): ServedEntry | undefined {
      const entry = people.get(soDinhDanh);
      if (entry) {
        people.delete(soDinhDanh);
        people.set(soDinhDanh, entry);
      }
      return entry;
    },

    /** Holds `record` as the person's `version`, replacing any older one. */
    put(soDinhDanh: string, version: string, record: Record<string, unknown>): ServedEntry {
      const entry: ServedEntry = { version, record, answers: new Map() };
      people.delete(soDinhDanh);
      people.set(soDinhDanh, entry);
      if (people.size > maxPeople) people.delete(people.keys().next().value as string);
      return entry;
    },

    /** The answer built for `key` from this entry, building it once. */
    answer(entry: ServedEntry, key: string, build: () => BuiltAnswer): BuiltAnswer {
      let built = entry.answers.get(key);
      if (!built) {
        built = build();
        if (entry.answers.size >= MAX_ANSWERS_PER_PERSON) entry.answers.clear();
        entry.answers.set(key, built);
      }
      return built;
    },

    get size(): number {
      return people.size;
    },
  };
}

export type ServedCache = ReturnType<typeof createServedCache>;
