import type { CompiledMapping } from './mapping-compiler.js';
import type {
  CompiledRules, MapResult, MappingProblem, NationalRecord, ReferenceData, ReverseResult, RunContext, SourcePerson,
} from './mapping-types.js';

/**
 * The pure mapping of one person, both ways. Forward: the vendor's document -> the national
 * record, then the national validator ("pre-validation"); a record with any error
 * is not sendable. Nothing throws for bad data: one bad person never stops the others.
 */

function isUnder(path: string, parent: string): boolean {
  return path === parent || path.startsWith(`${parent}/`);
}

/** The vendor place behind a national path, from the pointer patterns the compiler kept. */
function sourceOf(rules: CompiledRules, path: string, fallback: string): string {
  const tokens = path.split('/').slice(1).map((t) => (/^[0-9]+$/u.test(t) ? '*' : t));
  for (let n = tokens.length; n > 0; n -= 1) {
    const found = rules.sources.get(`/${tokens.slice(0, n).join('/')}`);
    if (found) return found;
  }
  return fallback;
}

export function mapPerson(mapping: CompiledMapping, person: SourcePerson, reference: ReferenceData): MapResult {
  const run: RunContext = { root: person.doc, reference, errors: [], warnings: [] };
  const record: NationalRecord = {};
  try {
    mapping.forward.fill(person.doc, run, record);
  } catch (err) {
    // A rule meeting a document shape it did not expect is this person's problem only.
    const message = `mapping failed: ${(err as Error).message}`;
    return { ok: false, record, errors: [{ code: 'mapping.failed', path: '', source: `${mapping.source.table} ${person.vendorId}`, message }], warnings: run.warnings };
  }
  const fallback = `${mapping.source.table} ${person.vendorId}`;
  // A value the mapper could not produce is reported once, by the mapper: the validator's
  // "required" or rule complaints about that same place add nothing.
  const mapped = run.errors.map((e) => e.path);
  const checked: MappingProblem[] = mapping
    .validate(record)
    .filter((p) => !mapped.some((m) => isUnder(p.path, m)))
    .map((p) => ({ code: p.code, path: p.path, source: sourceOf(mapping.forward, p.path, fallback), message: p.message, ...(p.rule ? { rule: p.rule } : {}) }));
  const seen = new Set<string>();
  const errors = [...run.errors, ...checked].filter((e) => {
    // One missing reference row read by two rules is one problem.
    const key = `${e.code}|${e.source}|${e.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
  return errors.length === 0
    ? { ok: true, record, warnings: run.warnings }
    : { ok: false, record, errors, warnings: run.warnings };
}

/**
 * A national record in the vendor's terms, for the record column of the mapping's staging table.
 * Every problem is a warning: the receiving unit reviews the row before accepting it, and a
 * national value with no vendor equivalent is kept (code and name) rather than dropped.
 */
export function reverseMap(mapping: CompiledMapping, record: NationalRecord, reference: ReferenceData): ReverseResult {
  const run: RunContext = { root: record, reference, errors: [], warnings: [] };
  const hoSo = mapping.reverse.evaluate(record, run, '') as Record<string, unknown>;
  return { hoSo, warnings: [...run.errors, ...run.warnings] };
}
