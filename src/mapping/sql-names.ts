/**
 * Names of the vendor's tables and columns as a mapping writes them: SQL identifiers, plain
 * (`can_bo`, `hr.nhan_su`) or double-quoted (`"NhanSu"`, `hr."Đơn vị"`), checked against
 * IDENTIFIER_PATTERN (mapping-file-schema.ts) at load, so they go into SQL text as written.
 * A row read back from PostgreSQL is keyed by the name without its quotes. Pure.
 */

/** `"Mã ""cũ"""` -> `Mã "cũ"`; a plain name as it is. */
export function unquote(name: string): string {
  return name.startsWith('"') && name.endsWith('"') && name.length >= 2 ? name.slice(1, -1).replaceAll('""', '"') : name;
}

/** The parts of a qualified name, quotes kept: `hr."Nhân sự"` -> ['hr', '"Nhân sự"']. */
export function nameParts(qualified: string): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (const c of qualified) {
    if (c === '"') quoted = !quoted;
    if (c === '.' && !quoted) {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

/** A name as SQL text: quoted unless it is a plain lower-case identifier. */
export function quoteName(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/u.test(name) ? name : `"${name.replaceAll('"', '""')}"`;
}
