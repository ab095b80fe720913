import type { MappingDocument } from '../mapping/mapping-document.js';
import type { SourceSpec } from '../mapping/mapping-types.js';

/**
 * Which vendor columns feed which national code lists, read from the mapping's forward rules:
 * every `code` rule whose `from` is a `path`, and every `agency` rule (units). A path at the
 * top of the document is a column of the person table; inside an `array` rule with a `table`,
 * or as `key.0.column`, a column of that history table (the document keys history arrays by
 * their table's name, mappings/README.md). Conditions (`when`) are not followed: a value is
 * checked against every list its column feeds. Pure.
 */
export interface CodeColumn {
  /** The national lists the column feeds, in the mapping's order. */
  lists: string[];
  table: string;
  column: string;
  /** The column holds a reference row's key; the value checked is the row's `column`. */
  via?: { table: string; column: string };
}

export interface UnitColumn {
  table: string;
  column: string;
  levels: ('unit' | 'root')[];
}

type Rule = Record<string, unknown>;

const COLUMN = /^[a-z_][a-z0-9_]*$/;

function isRule(value: unknown): value is Rule {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function codeColumns(documents: MappingDocument[], source: SourceSpec): { codes: CodeColumn[]; units: UnitColumn[] } {
  const fields = documents.map((d) => (d.overlay ? undefined : (d.json as { fields?: unknown }).fields)).find(isRule) ?? {};
  const schema = source.persons.table.includes('.') ? `${source.persons.table.split('.')[0]}.` : '';
  const codes = new Map<string, CodeColumn>();
  const units = new Map<string, UnitColumn>();

  /** The table and column a `path` reads, in the array context `table` (undefined: the person). */
  function locate(path: string, table: string | undefined): { table: string; column: string } | undefined {
    const parts = path.split('.');
    if (parts.length === 3 && /^[0-9]+$/.test(parts[1] ?? '')) return check(`${schema}${parts[0]}`, parts[2]);
    if (parts.length === 1) return check(table ?? source.persons.table, parts[0]);
    return undefined;
  }
  function check(table: string, column: string | undefined): { table: string; column: string } | undefined {
    return column !== undefined && COLUMN.test(column) ? { table, column } : undefined;
  }

  function visit(rule: unknown, table: string | undefined): void {
    if (!isRule(rule)) return;
    const from = isRule(rule.from) && typeof rule.from.path === 'string' ? rule.from.path : undefined;
    if (typeof rule.code === 'string' && from !== undefined) {
      const at = locate(from, table);
      const via = isRule(rule.via) ? { table: String(rule.via.table), column: String(rule.via.column) } : undefined;
      if (at) {
        const key = `${at.table}.${at.column}.${via ? `${via.table}.${via.column}` : ''}`;
        const known = codes.get(key);
        if (!known) codes.set(key, { lists: [rule.code], ...at, ...(via ? { via } : {}) });
        else if (!known.lists.includes(rule.code)) known.lists.push(rule.code);
      }
    }
    if (isRule(rule.agency) && typeof rule.agency.path === 'string') {
      const at = locate(rule.agency.path, table);
      const level = rule.level === 'root' ? 'root' : 'unit';
      if (at) {
        const key = `${at.table}.${at.column}`;
        const known = units.get(key) ?? { ...at, levels: [] };
        if (!known.levels.includes(level)) known.levels.push(level);
        units.set(key, known);
      }
    }
    const inner = rule.array !== undefined && typeof rule.table === 'string' ? rule.table : table;
    for (const [key, value] of Object.entries(rule)) {
      if (key === 'item') visit(value, inner);
      else if (Array.isArray(value)) for (const v of value) visit(v, table);
      else if (key === 'object' && isRule(value)) for (const v of Object.values(value)) visit(v, table);
      else visit(value, table);
    }
  }
  for (const rule of Object.values(fields)) visit(rule, undefined);
  return { codes: [...codes.values()], units: [...units.values()] };
}
