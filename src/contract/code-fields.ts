import { childPointer } from './json-pointer.js';

/**
 * Where the code fields of a schema are, read from its `x-codeList` annotations rather than
 * listed by hand, so a field added to the contract is checked without a code change. A step
 * `'*'` stands for every item of an array (steps `['danhGia', '*', 'xepLoai']`, list `xep-loai`).
 */
export interface CodeFieldLocation {
  steps: (string | '*')[];
  list: string;
}

/** A code field found in a value: its JSON Pointer and the `ma` it holds. */
export interface CodeFieldValue {
  path: string;
  list: string;
  ma: string;
}

type SchemaNode = Record<string, unknown>;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function codeFieldLocations(schema: SchemaNode): CodeFieldLocation[] {
  const found: CodeFieldLocation[] = [];
  const walk = (node: SchemaNode, steps: (string | '*')[]): void => {
    const list = node['x-codeList'];
    if (typeof list === 'string') {
      found.push({ steps, list });
      return;
    }
    if (isObject(node.properties)) {
      for (const [name, child] of Object.entries(node.properties)) {
        if (isObject(child)) walk(child, [...steps, name]);
      }
    }
    if (isObject(node.items)) walk(node.items, [...steps, '*']);
  };
  walk(schema, []);
  return found;
}

/**
 * Every code value present in `value` at the given locations. Parts of the value that do
 * not have the expected shape are skipped: the schema check reports those.
 */
export function codeFieldValues(
  value: unknown,
  locations: readonly CodeFieldLocation[],
  basePath = '',
): CodeFieldValue[] {
  const out: CodeFieldValue[] = [];
  const visit = (node: unknown, steps: readonly (string | '*')[], path: string, list: string): void => {
    const [step, ...rest] = steps;
    if (step === undefined) {
      if (isObject(node) && typeof node.ma === 'string') out.push({ path: childPointer(path, 'ma'), list, ma: node.ma });
      return;
    }
    if (step === '*') {
      if (Array.isArray(node)) node.forEach((item, i) => visit(item, rest, childPointer(path, i), list));
      return;
    }
    if (isObject(node) && node[step] !== undefined) visit(node[step], rest, childPointer(path, step), list);
  };
  for (const location of locations) visit(value, location.steps, basePath, location.list);
  return out;
}

/**
 * Whether every code value present at the given locations passes `known(list, ma)`: the walk
 * of codeFieldValues without building a path per value, for the common case of a record with
 * nothing to report (the validator runs on every mapped record).
 */
export function everyCodeField(
  value: unknown,
  locations: readonly CodeFieldLocation[],
  known: (list: string, ma: string) => boolean,
): boolean {
  const visit = (node: unknown, steps: readonly (string | '*')[], depth: number, list: string): boolean => {
    if (depth === steps.length) return !(isObject(node) && typeof node.ma === 'string') || known(list, node.ma);
    const step = steps[depth];
    if (step === '*') {
      if (!Array.isArray(node)) return true;
      for (const item of node) if (!visit(item, steps, depth + 1, list)) return false;
      return true;
    }
    return !(isObject(node) && step !== undefined && node[step] !== undefined) || visit(node[step], steps, depth + 1, list);
  };
  for (const location of locations) if (!visit(value, location.steps, 0, location.list)) return false;
  return true;
}
