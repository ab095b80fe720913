import type { Db } from '../db/db.js';
import { personsFrom } from '../source/person-queries.js';
import type { CompiledMapping } from '../mapping/mapping-compiler.js';
import type { RunContext } from '../mapping/mapping-types.js';
import { scalarText } from '../mapping/rule-context.js';
import { createSuggester, type Abbreviations, type Suggestion, type SynonymSuggester } from '../mapping/synonym-suggester.js';
import type { CodeList } from '../contract/national-contract.js';
import { normaliseText } from '../mapping/text-transforms.js';
import { agencyOfUnit } from '../mapping/unit-rules.js';
import { readReference } from '../source/person-reader.js';
import { codeColumns, type CodeColumn, type UnitColumn } from './code-columns.js';
import { examplesOf, valueCounts, type ColumnRef } from './gaps-store.js';
import type { OnProgress } from '../progress/progress.js';

/**
 * `mapping gaps`: every vendor value of the whole provincial database that the effective
 * mapping (shipped and overlay) cannot match, with how many people carry it, a few of their
 * vendor ids and suggestions from the national list. A column several lists read
 * (dm_ngach.ma_ngach: ngach for civil servants, chuc-danh-nghe-nghiep for public employees) is
 * a gap only when none of them matches, and is reported under the list of its best
 * suggestion. Units whose agency code cannot be found (none on the unit nor on its
 * successors, or not in dm_don_vi) are items with list `don_vi`. Read-only, one snapshot.
 */
export interface Gap {
  /** The national list, or `don_vi` for a unit without an agency code. */
  list: string;
  /** The vendor column: `hr.person.political_theory`; with a reference: `hr.person.rank_id -> rank.code`. */
  source: string;
  /** The value as typed (for a unit, its id). */
  value: string;
  people: number;
  examples: string[];
  suggestions: Suggestion[];
}

const EXAMPLES = 3;

export async function findGaps(db: Db, mapping: CompiledMapping, abbreviations: Abbreviations, progress?: OnProgress): Promise<Gap[]> {
  const { codes, units } = codeColumns(mapping.documents, mapping.source);
  const gaps: Gap[] = [];
  // Each vendor column is one grouping query over every person: progress counts columns.
  const total = codes.length + units.length;
  let done = 0;
  const step = (): void => progress?.({ done: (done += 1), total });
  await db.transaction(async (tx) => {
    const reference = await readReference(tx, mapping);
    const run: RunContext = { root: undefined, reference, errors: [], warnings: [] };
    for (const column of codes) {
      const ref = refOf(mapping, column);
      if (!ref) {
        step();
        continue;
      }
      const unknown = new Map<string, Omit<Gap, 'examples'>>();
      for (const { value, people } of await valueCounts(tx, ref)) {
        const gap = checkValue(mapping, abbreviations, column, value, people, (table, key) => reference.tables.get(table)?.get(key));
        if (gap) unknown.set(value, gap);
      }
      const examples = await examplesOf(tx, ref, [...unknown.keys()], EXAMPLES);
      for (const [key, gap] of unknown) gaps.push(withExamples(gap, examples.get(key) ?? []));
      step();
    }
    for (const column of units) {
      const ref = refOf(mapping, column);
      if (!ref || !mapping.source.units) {
        step();
        continue;
      }
      const unknown = new Map<string, Omit<Gap, 'examples'>>();
      for (const { value, people } of await valueCounts(tx, ref)) {
        run.errors.length = 0;
        for (const level of column.levels) agencyOfUnit(value, level, mapping.source.units, run, '', '');
        if (run.errors.length > 0) unknown.set(value, { list: 'don_vi', source: `${ref.table}.${ref.column}`, value, people, suggestions: [] });
      }
      const examples = await examplesOf(tx, ref, [...unknown.keys()], EXAMPLES);
      for (const [key, gap] of unknown) gaps.push(withExamples(gap, examples.get(key) ?? []));
      step();
    }
  }, { isolation: 'repeatable read', readOnly: true });
  return gaps.sort((a, b) => a.list.localeCompare(b.list) || b.people - a.people || a.value.localeCompare(b.value));
}

/** In the documented key order: list, source, value, people, examples, suggestions. */
function withExamples(gap: Omit<Gap, 'examples'>, examples: string[]): Gap {
  return { list: gap.list, source: gap.source, value: gap.value, people: gap.people, examples, suggestions: gap.suggestions };
}

/** The column to count on, with the column of its table holding the person; none for a history table without `historyKey`. */
function refOf(mapping: CompiledMapping, column: CodeColumn | UnitColumn): ColumnRef | undefined {
  const { persons } = mapping.source;
  const kept = persons.where === undefined ? undefined : `(SELECT ${persons.id} FROM ${personsFrom(mapping.source)})`;
  if (column.table === persons.table) {
    return { table: column.table, column: column.column, person: persons.id, onePerRow: true, ...(kept ? { from: `${personsFrom(mapping.source)}` } : {}) };
  }
  if (!persons.historyKey) return undefined;
  const from = kept ? { from: `(SELECT * FROM ${column.table} WHERE ${persons.historyKey} IN ${kept}) h` } : {};
  return { table: column.table, column: column.column, person: persons.historyKey, onePerRow: false, ...from };
}

const suggesters = new WeakMap<Abbreviations, Map<CodeList, SynonymSuggester>>();

function suggesterOf(list: CodeList, abbreviations: Abbreviations): SynonymSuggester {
  let byList = suggesters.get(abbreviations);
  if (!byList) suggesters.set(abbreviations, (byList = new Map()));
  let found = byList.get(list);
  if (!found) byList.set(list, (found = createSuggester(list, abbreviations)));
  return found;
}

/** A gap when no list of the column matches the value (through its reference row, with `via`). */
function checkValue(
  mapping: CompiledMapping, abbreviations: Abbreviations, column: CodeColumn, stored: string, people: number,
  row: (table: string, key: string) => Record<string, unknown> | undefined,
): Omit<Gap, 'examples'> | undefined {
  const via = column.via;
  const typed = via ? scalarText(row(via.table, stored)?.[via.column]) : stored;
  // A reference key with no row is the mapping's reference_missing, not a spelling to add.
  if (typed === undefined || normaliseText(typed) === '') return undefined;
  const matchers = column.lists.flatMap((list) => mapping.matcher(list) ?? []);
  if (matchers.length === 0 || matchers.some((m) => m.forward(typed))) return undefined;
  const ranked = matchers
    .flatMap((m) => suggesterOf(m.list, abbreviations).suggest(typed).map((s) => ({ ...s, list: m.list.list })))
    .sort((a, b) => b.score - a.score)
    .slice(0, 3);
  return {
    list: ranked[0]?.list ?? matchers[0]!.list.list,
    source: via ? `${column.table}.${column.column} -> ${via.table}.${via.column}` : `${column.table}.${column.column}`,
    value: typed,
    people,
    suggestions: ranked.map(({ code, ten, score }) => ({ code, ten, score })),
  };
}
