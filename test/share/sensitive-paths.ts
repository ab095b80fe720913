/* eslint-disable @typescript-eslint/no-explicit-any -- walks arbitrary JSON and schema */
/**
 * The test's own reading of official.schema.json's x-sensitive markings, written apart from
 * src/share/field-filter.ts so the two check each other: every marked node at any depth, as a
 * path of property names with `[]` for "each item of an array".
 */
export function sensitivePaths(schema: any, at: string[] = []): string[][] {
  if (!schema || typeof schema !== 'object') return [];
  if (schema['x-sensitive'] === true) return [at];
  const found: string[][] = [];
  for (const [name, sub] of Object.entries(schema.properties ?? {})) found.push(...sensitivePaths(sub, [...at, name]));
  if (schema.items) found.push(...sensitivePaths(schema.items, [...at, '[]']));
  for (const k of ['allOf', 'anyOf', 'oneOf']) for (const sub of schema[k] ?? []) found.push(...sensitivePaths(sub, at));
  return found;
}

/** Whether `value` holds anything at `path`. */
export function holds(value: any, path: string[]): boolean {
  if (path.length === 0) return value !== undefined;
  if (value === null || typeof value !== 'object') return false;
  const [head, ...rest] = path;
  if (head === '[]') return Array.isArray(value) && value.some((v) => holds(v, rest));
  return Object.hasOwn(value, head!) && holds(value[head!], rest);
}

/** The sensitive paths present in a record. */
export function sensitiveIn(record: any, paths: string[][]): string[] {
  return paths.filter((p) => holds(record, p)).map((p) => p.join('.'));
}
