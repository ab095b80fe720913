import type { Db, Queryable } from '../db/db.js';
import type { CompiledMapping } from '../mapping/mapping-compiler.js';
import type { StagingSpec, UnitsSpec } from '../mapping/mapping-types.js';
import { personsFrom } from '../source/person-queries.js';
import { TransferError } from './transfer-error.js';

/**
 * The provincial side of a transfer, as the mapping declares it (mappings/README.md `units`,
 * `staging`): the vendor's units and staff (read) and its table for incoming transferees, the
 * only table the gateway writes there. A row waiting for the unit is refreshed by a repeat
 * pull, never doubled: a vendor's table need not have a unique key, so a transaction-level
 * advisory lock on the person serialises two pulls of the same person (also across gateway
 * processes). Identifiers come from the mapping, checked at load; values are parameters.
 */
export interface VendorUnit {
  /** The unit's vendor id, as text (whatever the column's type). */
  id: string;
  /** The same id as the database gave it (a number for an integer column), for the staged record. */
  key: unknown;
  active: boolean;
  /** The agency code of the unit that replaced a closed one, when it has one. */
  successor: string | undefined;
}

/** The mapping's staging table, or the refusal a pull meets before anything is called or written. */
export function stagingOf(mapping: Pick<CompiledMapping, 'name' | 'staging' | 'units'>): { staging: StagingSpec; units: UnitsSpec } {
  if (!mapping.staging || !mapping.units) {
    const missing = [mapping.staging ? undefined : '`staging`', mapping.units ? undefined : '`units`'].filter(Boolean).join(' and ');
    throw new TransferError('transfer.staging_unmapped', `the mapping ${mapping.name} declares no ${missing}: pulled records have nowhere to be staged`, { status: 409 });
  }
  return { staging: mapping.staging, units: mapping.units };
}

/** The unit carrying an agency code, an active one first when a closed one shares the code. */
export async function findUnit(q: Queryable, units: UnitsSpec, agencyCode: string): Promise<VendorUnit | undefined> {
  const successor = units.successor
    ? `(SELECT s.${units.code} FROM ${units.table} s WHERE s.${units.id} = u.${units.successor})`
    : 'NULL';
  // Without an `active` column, a unit replaced by another is the closed one.
  const active = units.active ? `coalesce(u.${units.active}, false)` : units.successor ? `u.${units.successor} IS NULL` : 'true';
  const res = await q.query<{ id: string; key: unknown; active: boolean; successor: string | null }>(
    `SELECT u.${units.id}::text AS id, u.${units.id} AS key, ${active} AS active, ${successor}::text AS successor
       FROM ${units.table} u WHERE u.${units.code} = $1 ORDER BY 3 DESC, u.${units.id} LIMIT 1`,
    [agencyCode],
  );
  const row = res.rows[0];
  if (!row) return undefined;
  return { id: row.id, key: row.key, active: row.active === true, successor: row.successor ?? undefined };
}

/** Whether the person works in this province now: a person row the mapping's filter keeps and `staging.active` says is active. */
export async function isActiveHere(q: Queryable, mapping: Pick<CompiledMapping, 'source'>, staging: StagingSpec, soDinhDanh: string): Promise<boolean> {
  const { person, where } = staging.active;
  const res = await q.query(
    `SELECT 1 FROM ${personsFrom(mapping.source)} WHERE p.${person} = $1${where ? ` AND (${where})` : ''} LIMIT 1`,
    [soDinhDanh],
  );
  return res.rows.length > 0;
}

export interface StagedRow {
  id: string;
  /** True when an existing waiting row was refreshed rather than a new one added. */
  refreshed: boolean;
}

export interface StagingInput {
  soDinhDanh: string;
  unitId: string;
  /** The national record in the vendor's terms (reverse mapping). */
  hoSo: Record<string, unknown>;
  /** The pull request's details, written where the mapping's `staging.request` says. */
  request?: { decisionNo?: string | undefined; decisionEffective?: string | undefined; receivingUnit?: string | undefined };
}

export async function stageRecord(db: Db, staging: StagingSpec, row: StagingInput): Promise<StagedRow> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('csdl_gateway.tiep_nhan:' || $1))`, [row.soDinhDanh]);
    const waiting = await tx.query(
      `SELECT ${staging.id}::text AS id FROM ${staging.table}
        WHERE ${staging.person} = $1 AND ${staging.unit}::text = $2 AND ${staging.status} = $3
        ORDER BY ${staging.id} DESC LIMIT 1 FOR UPDATE`,
      [row.soDinhDanh, row.unitId, staging.statuses.waiting],
    );
    // Untyped parameters: PostgreSQL takes each as the type of the column it goes into
    // (json, jsonb or text for the record; int or text for the unit).
    const columns: [string, unknown][] = [
      [staging.record, JSON.stringify(row.hoSo)],
      ...Object.entries(staging.constants ?? {}).filter(([name]) => name !== '$comment'),
      ...requestColumns(staging, row.request),
    ];
    const now = staging.receivedAt ? [`${staging.receivedAt} = now()`] : [];
    const found = waiting.rows[0] as { id: string } | undefined;
    if (found) {
      const sets = columns.map(([name], i) => `${name} = $${i + 2}`);
      await tx.query(`UPDATE ${staging.table} SET ${[...sets, ...now].join(', ')} WHERE ${staging.id}::text = $1`, [found.id, ...columns.map(([, v]) => v)]);
      return { id: found.id, refreshed: true };
    }
    const all: [string, unknown][] = [[staging.person, row.soDinhDanh], [staging.unit, row.unitId], ...columns, [staging.status, staging.statuses.waiting]];
    const inserted = await tx.query(
      `INSERT INTO ${staging.table} (${all.map(([name]) => name).join(', ')})
       VALUES (${all.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING ${staging.id}::text AS id`,
      all.map(([, v]) => v),
    );
    return { id: String(inserted.rows[0]?.id), refreshed: false };
  });
}

function requestColumns(staging: StagingSpec, request: StagingInput['request']): [string, unknown][] {
  const out: [string, unknown][] = [];
  const into = staging.request ?? {};
  for (const key of ['decisionNo', 'decisionEffective', 'receivingUnit'] as const) {
    const column = into[key];
    if (column !== undefined) out.push([column, request?.[key] ?? null]);
  }
  return out;
}

/** The row waiting for the unit for this person, with its record (recovery compares it with what a pull meant to stage). */
export async function waitingRow(q: Queryable, staging: StagingSpec, soDinhDanh: string, unitId: string): Promise<{ id: string; record: unknown } | undefined> {
  const res = await q.query(
    `SELECT ${staging.id}::text AS id, ${staging.record} AS record FROM ${staging.table}
      WHERE ${staging.person} = $1 AND ${staging.unit}::text = $2 AND ${staging.status} = $3
      ORDER BY ${staging.id} DESC LIMIT 1`,
    [soDinhDanh, unitId, staging.statuses.waiting],
  );
  const row = res.rows[0] as { id: string; record: unknown } | undefined;
  return row ? { id: String(row.id), record: row.record } : undefined;
}

/** The vendor's status of staged rows, by id. */
export async function stagingStates(q: Queryable, staging: StagingSpec, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const res = await q.query(`SELECT ${staging.id}::text AS id, ${staging.status}::text AS status FROM ${staging.table} WHERE ${staging.id}::text = ANY($1::text[])`, [ids]);
  return new Map(res.rows.map((r) => [String(r.id), String(r.status)]));
}
