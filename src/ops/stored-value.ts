/**
 * The value a refused field holds in the vendor database, found in the person's document as
 * the mapping reads it (source/person-reader.ts): a problem's `source` names the vendor
 * place(s) it came from, `schema.table.column` (person-mapper.ts), several joined by ", ".
 * A column of the person table is a key of the document; a history table's column is a key
 * of each row of the document's array named after the table, and the national path's first
 * index picks the row. Pure.
 */
export interface StoredValue {
  /** The vendor place, as the mapping names it (schema.table.column). */
  column: string;
  /** The value as the vendor database holds it: null for NULL; absent when the document has no such place. */
  value?: unknown;
}

function tableAndColumn(place: string): { table: string; column: string } {
  const cut = place.lastIndexOf('.');
  return cut < 0 ? { table: '', column: place } : { table: place.slice(0, cut), column: place.slice(cut + 1) };
}

const bare = (table: string): string => table.slice(table.lastIndexOf('.') + 1);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function storedValues(doc: Record<string, unknown>, personTable: string, source: string, nationalPath: string): StoredValue[] {
  const index = nationalPath.split('/').find((t) => /^[0-9]+$/u.test(t));
  return source.split(', ').filter((s) => s !== '').map((place) => {
    const { table, column } = tableAndColumn(place);
    if (table === personTable || bare(table) === bare(personTable)) {
      return column in doc ? { column: place, value: doc[column] ?? null } : { column: place };
    }
    const rows = doc[bare(table)];
    if (!Array.isArray(rows)) return { column: place };
    const row: unknown = index === undefined ? undefined : rows[Number(index)];
    if (isRecord(row)) return column in row ? { column: place, value: row[column] ?? null } : { column: place };
    // No index, or none in range: every row's value, in the document's order.
    const values = rows.filter(isRecord).map((r) => r[column] ?? null);
    return values.length > 0 ? { column: place, value: values } : { column: place };
  });
}
