import { createHash } from 'node:crypto';

/**
 * The SHA-256 of a staged record, whatever column type holds it (json, jsonb or text): keys
 * sorted at every level, so a jsonb column's reordering gives the same hash. A pull records
 * it before it writes the staging table; recovery compares it with the waiting row it finds
 * to tell this pull's record from an earlier pull's.
 */
export function stagedRecordHash(record: unknown): string {
  const value = typeof record === 'string' ? (JSON.parse(record) as unknown) : record;
  return createHash('sha256').update(canonical(value)).digest('hex');
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
