import type { SourcePerson } from './mapping-types.js';

/**
 * One person as the provincial database gives it: the vendor id, and the whole row of the
 * mapping's documentSql as JSON text. source/person-reader.ts reads it and the mapping workers
 * parse it; the mapping owns the shape, since its query makes the row.
 */
export interface RawPerson {
  vendorId: string;
  json: string;
}

const META = new Set(['person_key', 'missing', 'person_order', 'approval_id', 'approval_status', 'approval_at', 'approval_unit', 'approval_approver', 'vendor_id', 'doc']);

function text(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

/**
 * One row's JSON -> a SourcePerson: `doc`, plus every other column of documentSql merged in.
 * The row's `doc` was parsed for this row alone, so the other columns are added to it in
 * place rather than to a copy (a copy of every person was a twentieth of the read). Pure.
 */
export function parseSourcePerson(raw: RawPerson): SourcePerson {
  const row = JSON.parse(raw.json) as Record<string, unknown>;
  const parsed = row.doc;
  const doc: Record<string, unknown> = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
    ? (parsed as Record<string, unknown>)
    : { ...(parsed as Record<string, unknown> | null ?? {}) };
  for (const key in row) if (!META.has(key)) doc[key] = row[key];
  const person: SourcePerson = { vendorId: raw.vendorId, doc };
  const id = text(row.approval_id);
  if (id !== undefined) {
    const at = text(row.approval_at);
    person.approval = {
      id,
      status: String(row.approval_status),
      // row_to_json writes timestamptz with its offset; the approval time is kept in UTC.
      ...(at !== undefined ? { at: new Date(at).toISOString() } : {}),
      ...(text(row.approval_unit) !== undefined ? { unitId: text(row.approval_unit) } : {}),
      ...(text(row.approval_approver) !== undefined ? { approver: text(row.approval_approver) } : {}),
    };
  }
  return person;
}
