import type { SourceSpec } from '../mapping/mapping-types.js';

/**
 * The SQL that reads persons, built from a mapping's `source` (mappings/README.md). The
 * mapping's documentSql reads the CTE `chosen(person_id)` (best as
 * `= ANY(ARRAY(SELECT person_id FROM chosen))`, an index condition); the engine owns it: which
 * persons (by vendor id, or the next keyset page `id > $n ... LIMIT`), the mapping's person
 * filter (`persons.where`), and, when the mapping declares an approval table, each person's
 * latest approval row (highest `order`), optionally keeping only persons whose latest row is
 * approved. Identifiers come from the mapping, checked against a strict pattern at load; every
 * value is a parameter.
 */
export type Selection = { ids: string[] } | { after: string | undefined; limit: number };

export interface SqlStatement {
  text: string;
  values: unknown[];
}

/**
 * The person table as `p`, already narrowed by the mapping's person filter: the condition sees
 * the person table's columns alone, so a column named like one of the engine's is never
 * ambiguous. PostgreSQL flattens the subquery; the filter costs what a WHERE costs.
 */
export function personsFrom(source: SourceSpec): string {
  const { table, where } = source.persons;
  return where === undefined ? `${table} p` : `(SELECT * FROM ${table} WHERE (${where})) p`;
}

/** The approving unit's expression: in the approval lateral (`x`), on the person (`p`), or null. */
function approvalUnit(source: SourceSpec): { inLateral: string; outside: string } {
  const unit = source.approval?.unit;
  if (unit && 'column' in unit) return { inLateral: `x.${unit.column}`, outside: 'a.unit' };
  if (unit && 'sql' in unit) return { inLateral: `(${unit.sql})`, outside: 'a.unit' };
  if (unit && 'personColumn' in unit) return { inLateral: 'NULL', outside: `p.${unit.personColumn}` };
  const own = source.persons.unit;
  return { inLateral: 'NULL', outside: own === undefined ? 'NULL' : `p.${own}` };
}

/**
 * The latest approval row of person `p` as `a` (approval_id, status, at, unit, approver), a
 * LEFT JOIN LATERAL; '' without an approval table.
 */
export function latestApproval(source: SourceSpec, join: 'LEFT JOIN' | 'JOIN' = 'LEFT JOIN'): string {
  const { approval, persons } = source;
  if (!approval) return '';
  const unit = approvalUnit(source);
  return `${join} LATERAL (SELECT x.${approval.order} AS approval_id, x.${approval.status} AS status, ` +
    `${approval.at === undefined ? 'NULL::timestamptz' : `x.${approval.at}`} AS at, ${unit.inLateral} AS unit, ` +
    `${approval.approver === undefined ? 'NULL' : `x.${approval.approver}`} AS approver ` +
    `FROM ${approval.table} x WHERE x.${approval.person} = p.${persons.id} ORDER BY x.${approval.order} DESC LIMIT 1) a ON true`;
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
  const approvalColumns = approval
    ? `a.approval_id::text AS approval_id, a.status::text AS approval_status, a.at AS approval_at, ` +
      `(${approvalUnit(source).outside})::text AS approval_unit, a.approver::text AS approval_approver`
    : 'NULL::text AS approval_id, NULL::text AS approval_status, NULL::timestamptz AS approval_at, ' +
      'NULL::text AS approval_unit, NULL::text AS approval_approver';
  const chosen = [
    `SELECT ${id} AS person_id, ${approvalColumns}`,
    `FROM ${personsFrom(source)} ${latestApproval(source)}`,
    where.length > 0 ? `WHERE ${where.join(' AND ')}` : '',
    `ORDER BY ${id}`,
    'limit' in selection ? `LIMIT ${param(selection.limit)}` : '',
  ].filter(Boolean).join('\n');
  // Each person travels as one JSON text (the json columns of documentSql embedded as they
  // are): the reader only decodes a string, and whoever maps the person parses it, possibly
  // on another thread (src/mapping/mapping-pool.ts). Every chosen person comes back, with a
  // document or without (`missing`): the reader pages on the chosen, and a chosen person the
  // documentSql dropped is a stop, never a shorter page taken for the end.
  const text = [
    // MATERIALIZED: documentSql reads `chosen` once per history table; compute it once.
    `WITH chosen AS MATERIALIZED (${chosen})`,
    'SELECT r.person_key, r.vendor_id IS NULL AS missing, row_to_json(r)::text AS person FROM (',
    '  SELECT chosen.person_id::text AS person_key, chosen.approval_id, chosen.approval_status, chosen.approval_at,',
    '    chosen.approval_unit, chosen.approval_approver, chosen.person_id AS person_order, d.*',
    `  FROM chosen LEFT JOIN (${source.documentSql}) d ON d.vendor_id = chosen.person_id`,
    ') r',
    'ORDER BY r.person_order',
  ].join('\n');
  return { text, values };
}

/**
 * The person rows alone of the given vendor ids, each as JSON text (`doc`), for reading ahead a
 * value the mapping makes from the person row (src/mapping/person-identity.ts): no history
 * table, no approval, no documentSql. With `columns`, only those keys of the row (a key the row
 * lacks is left out, never an error): a few bytes a person to send and parse, not the row.
 */
export function personRowsQuery(source: SourceSpec, ids: string[], columns?: readonly string[]): SqlStatement {
  const id = `p.${source.persons.id}`;
  const doc = columns === undefined
    ? 'row_to_json(p)::text'
    : "coalesce((SELECT jsonb_object_agg(k.key, k.value) FROM jsonb_each(to_jsonb(p)) k WHERE k.key = ANY($2::text[])), '{}'::jsonb)::text";
  return {
    text: `SELECT ${id}::text AS person_key, ${doc} AS doc FROM ${personsFrom(source)} WHERE ${id} = ANY($1)`,
    values: columns === undefined ? [ids] : [ids, columns],
  };
}

/** The reference tables of a mapping: one statement each, read once per run. */
export function referenceQueries(source: SourceSpec): { name: string; key: string; text: string }[] {
  return Object.entries(source.reference).map(([name, r]) => ({ name, key: r.key, text: r.sql }));
}
