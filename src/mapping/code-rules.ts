import type { CompileEnv, Rule } from './compile-env.js';
import type { CodeMatcher, Evaluator, ReferenceData } from './mapping-types.js';
import { codeKey, normaliseText } from './text-transforms.js';
import { referenceRow, report, scalarText } from './rule-context.js';
import { unquote } from './sql-names.js';

/**
 * `code` (vendor value -> national {ma, ten}) and `vendorCode` (national code -> vendor value).
 * With `via`, the vendor value is an id into a reference table whose `column` holds the name
 * ('dan_toc_id' -> dm_dan_toc.ten -> 'Mông' -> 08): the id's number is never compared to a
 * national number (domain.md, "Code lists").
 */
interface Via {
  table: string;
  column: string;
}

/** A code-list value as text: a scalar, but not a boolean (a yes/no names no item of a list). */
function text(value: unknown): string | undefined {
  return typeof value === 'boolean' ? undefined : scalarText(value);
}

/** `via` with its column as a row key (a quoted name without its quotes). */
function viaOf(rule: Rule): Via | undefined {
  const via = rule.via as Via | undefined;
  return via ? { table: via.table, column: unquote(via.column) } : undefined;
}

export function codeFromVendor(rule: Rule, from: Evaluator, source: string, env: CompileEnv): Evaluator {
  const list = String(rule.code);
  const via = viaOf(rule);
  const ifEmpty = typeof rule.ifEmpty === 'string' ? rule.ifEmpty : undefined;
  const matcher = env.matcher(list);
  if (!matcher) return () => undefined;
  const item = (code: string) => {
    const found = matcher.list.byCode.get(code);
    return found ? { ma: found.ma, ten: found.ten } : undefined;
  };
  return (input, run, here) => {
    let value = from(input, run, here);
    if (via && value !== undefined && value !== null) {
      const row = referenceRow(run, via.table, value, here, source);
      if (!row) return undefined;
      value = row[via.column];
    }
    const typed = text(value);
    if (typed === undefined || normaliseText(typed) === '') return ifEmpty === undefined ? undefined : item(ifEmpty);
    const found = matcher.forward(typed);
    if (!found) {
      report(run, 'errors', 'mapping.code_unknown', here, source, `'${typed}' matches no code of the national list '${list}'; add a synonym to the mapping`);
      return undefined;
    }
    return { ma: found.ma, ten: found.ten };
  };
}

/** Per reference data and table: national code -> key of the vendor row that maps to it. */
const inverses = new WeakMap<ReferenceData, Map<string, Map<string, string>>>();

function inverseOf(reference: ReferenceData, via: Via, matcher: CodeMatcher): Map<string, string> {
  let byTable = inverses.get(reference);
  if (!byTable) inverses.set(reference, (byTable = new Map()));
  const id = `${via.table}.${via.column}.${matcher.list.list}`;
  const known = byTable.get(id);
  if (known) return known;
  const inverse = new Map<string, string>();
  const exact = new Set<string>();
  for (const [key, row] of reference.tables.get(via.table) ?? []) {
    const value = text(row[via.column]);
    const item = value === undefined ? undefined : matcher.forward(value);
    if (!item || value === undefined) continue;
    // Prefer the row written exactly as the national item (the current rank code, not a
    // superseded one that also maps to it).
    const isExact = value.trim() === item.ma || codeKey(value) === codeKey(item.ten);
    if (!inverse.has(item.ma) || (isExact && !exact.has(item.ma))) {
      inverse.set(item.ma, key);
      if (isExact) exact.add(item.ma);
    }
  }
  byTable.set(id, inverse);
  return inverse;
}

export function codeToVendor(rule: Rule, from: Evaluator, source: string, env: CompileEnv): Evaluator {
  const list = String(rule.vendorCode);
  const via = viaOf(rule);
  const matcher = env.matcher(list);
  if (!matcher) return () => undefined;
  return (input, run, here) => {
    const value = from(input, run, here);
    if (value === undefined || value === null) return undefined;
    const national = typeof value === 'object' ? (value as { ma?: unknown; ten?: unknown }) : { ma: value };
    const code = text(national.ma);
    if (code === undefined) return undefined;
    const vendor = via ? inverseOf(run.reference, via, matcher).get(code) : matcher.reverse(code);
    if (vendor !== undefined) return vendor;
    const ten = text(national.ten) ?? matcher.list.byCode.get(code)?.ten;
    report(run, 'warnings', 'mapping.no_vendor_value', here, source,
      `the vendor has no value for ${list} code '${code}'${ten ? ` (${ten})` : ''}; the national code and name are kept`);
    return ten === undefined ? { ma: code } : { ma: code, ten };
  };
}
