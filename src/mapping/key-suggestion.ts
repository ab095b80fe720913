/**
 * "did you mean ...": the allowed key nearest to an unknown one of a mapping file, by edit
 * distance (a transposition counts one), when it is near enough to be a slip of the keyboard
 * or a case/spelling variant ('documentSQL', 'approvedvalue', 'persons.were'). Pure.
 */
export function nearestKey(unknown: string, allowed: Iterable<string>): string | undefined {
  const lower = unknown.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const key of allowed) {
    if (key === '$comment' && !unknown.startsWith('$') && !lower.includes('comment')) continue;
    const d = key.toLowerCase() === lower ? 0 : distance(lower, key.toLowerCase());
    if (d < bestDistance) {
      best = key;
      bestDistance = d;
    }
  }
  const limit = Math.max(2, Math.floor(unknown.length / 3));
  return best !== undefined && bestDistance <= limit ? best : undefined;
}

/** Optimal string alignment distance. */
function distance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j += 1) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i += 1) {
    const row = rows[i] as number[];
    const above = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (rows[i - 2] as number[])[j - 2] as number + 1);
      row[j] = d;
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/**
 * The keys a schema allows where ajv reported an unknown one: the `properties` beside the
 * failing `additionalProperties`, or the `enum` of a failing `propertyNames`, found by walking
 * the error's schemaPath ('#/properties/source/properties/approval/additionalProperties').
 */
export function allowedKeysAt(schema: unknown, schemaPath: string): string[] {
  const steps = schemaPath.replace(/^#\/?/u, '').split('/').filter(Boolean)
    .map((s) => decodeURIComponent(s).replaceAll('~1', '/').replaceAll('~0', '~'));
  const last = steps.pop();
  let node: unknown = schema;
  for (const step of steps) {
    if (typeof node !== 'object' || node === null) return [];
    node = (node as Record<string, unknown>)[step];
  }
  if (typeof node !== 'object' || node === null) return [];
  const at = node as Record<string, unknown>;
  if (last === 'additionalProperties') return Object.keys((at.properties ?? {}) as object);
  if (last === 'propertyNames' || last === 'enum') {
    const names = (last === 'enum' ? at.enum : (at.propertyNames as Record<string, unknown> | undefined)?.enum) as unknown;
    return Array.isArray(names) ? names.map(String) : [];
  }
  return [];
}
