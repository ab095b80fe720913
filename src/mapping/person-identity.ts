import type { CompiledMapping } from './mapping-compiler.js';
import type { RunContext } from './mapping-types.js';

/**
 * A person's số định danh as the mapping's `soDinhDanh` rule makes it from `doc` (the person
 * row alone, without history tables or reference data), or undefined when the rule makes no
 * text from it. A read ahead, never the record's value: the sync compares it with the value
 * the whole mapping gives and trusts it only where the two agree. Pure.
 */
export function identityOf(mapping: Pick<CompiledMapping, 'identity'>, doc: unknown): string | undefined {
  if (!mapping.identity) return undefined;
  const run: RunContext = { root: doc, reference: { tables: new Map() }, errors: [], warnings: [] };
  const out: Record<string, unknown> = {};
  try {
    mapping.identity.fill(doc, run, out);
  } catch {
    return undefined;
  }
  return run.errors.length === 0 && typeof out.soDinhDanh === 'string' ? out.soDinhDanh : undefined;
}

/**
 * The person-table columns the `soDinhDanh` rule reads, when it reads only plain columns of the
 * person table (as the shipped mappings do); undefined otherwise (the whole row is read).
 */
export function identityColumns(mapping: Pick<CompiledMapping, 'identity' | 'source'>): string[] | undefined {
  if (!mapping.identity) return undefined;
  const columns: string[] = [];
  for (const place of mapping.identity.sources.values()) {
    for (const one of place.split(', ')) {
      const prefix = `${mapping.source.persons.table}.`;
      const column = one.startsWith(prefix) ? one.slice(prefix.length) : undefined;
      if (column === undefined || !/^[A-Za-z_][A-Za-z0-9_]*$/u.test(column)) return undefined;
      columns.push(column);
    }
  }
  return columns.length > 0 ? [...new Set(columns)] : undefined;
}
