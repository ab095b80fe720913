import type { SourceSpec } from '../mapping/mapping-types.js';

/**
 * The SQL that reads persons, built from a mapping's `source` (mappings/README.md). The
 * mapping's documentSql reads the CTE `chosen(person_id)` (best as
 * `= ANY(ARRAY(SELECT person_id FROM chosen))`, an index condition); the engine owns it: which
 * persons (by vendor id, or the next keyset page `id > $n ... LIMIT`), and, when the mapping
 * declares an approval table, each person's latest approval row (highest `order`), optionally
 * keeping only persons whose latest row is approved. Identifiers come from the mapping, checked
 * against a strict pattern at load; every value is a parameter.
 */
export type Selection = { ids: string[] } | { after: string | undefined; limit: number };

export interface SqlStatement {
  text: string;
  values: unknown[];
}

export function personQuery(source: SourceSpec, selection: Selection, approvedOnly: boolean): SqlStatement {
  const { persons, approval } = source;
  const id = `p.${persons.id}`;
  const values: unknown[] = [];
  const param = (value: unknown): string => {
    values.push(value);
    return `$${values.length}`;
  };
  const where: string[] = [];
  if ('ids' in selection) where.push(`${id} = ANY(${param(selection.ids)})`);
  else if (selection.after !== undefined) where.push(`${id} > ${param(selection.after)}`);
  if (approvedOnly && approval) where.push(`a.status = ${param(approval.approvedValue)}`);
  const lateral = approval
    ? `LEFT JOIN LATERAL (SELECT x.${approval.order} AS approval_id, x.${approval.status} AS status, ` +
      `x.${approval.at} AS at, x.${approval.unit} AS unit, x.${approval.approver} AS approver ` +
      `FROM ${approval.table} x WHERE x.${approval.person} = ${id} ORDER BY x.${approval.order} DESC LIMIT 1) a ON true`
    : '';
  const approvalColumns = approval
    ? 'a.approval_id::text AS approval_id, a.status::text AS approval_status, a.at AS approval_at, ' +
      'a.unit::text AS approval_unit, a.approver::text AS approval_approver'
    : 'NULL::text AS approval_id, NULL::text AS approval_status, NULL::timestamptz AS approval_at, ' +
      'NULL::text AS approval_unit, NULL::text AS approval_approver';
  const chosen = [
    `SELECT ${id} AS person_id, ${approvalColumns}`,
    `FROM ${persons.table} p ${lateral}`,
    where.length > 0 ? `WHERE ${where.join(' AND ')}` : '',
    `ORDER BY ${id}`,
    'limit' in selection ? `LIMIT ${param(selection.limit)}` : '',
  ].filter(Boolean).join('\n');
  // Each person travels as one JSON text (the json columns of documentSql embedded as they
  // are): the reader only decodes a string, and whoever maps the person parses it, possibly
  // on another thread (src/mapping/mapping-pool.ts).
  const text = [
    // MATERIALIZED: documentSql reads `chosen` once per history table; compute it once.
    `WITH chosen AS MATERIALIZED (${chosen})`,
    'SELECT r.person_key, row_to_json(r)::text AS person FROM (',
    '  SELECT chosen.person_id::text AS person_key, chosen.approval_id, chosen.approval_status, chosen.approval_at,',
    '    chosen.approval_unit, chosen.approval_approver, chosen.person_id AS person_order, d.*',
    `  FROM chosen JOIN (${source.documentSql}) d ON d.vendor_id = chosen.person_id`,
    ') r',
    'ORDER BY r.person_order',
  ].join('\n');
  return { text, values };
}

/** The reference tables of a mapping: one statement each, read once per run. */
export function referenceQueries(source: SourceSpec): { name: string; key: string; text: string }[] {
  return Object.entries(source.reference).map(([name, r]) => ({ name, key: r.key, text: r.sql }));
}
