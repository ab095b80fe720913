import type { Queryable } from '../db/db.js';
import type { ChainedEntry } from './audit-chain.js';
import type { AuditActorKind, AuditOutcome } from './audit-entry.js';

/**
 * Every statement of the audit log, in named functions over `Queryable`. The writer's
 * statements (head, insert, checkpoint) run inside the transaction that holds the chain's
 * advisory lock (audit-log.ts); the readers run anywhere.
 */
const S = 'csdl_gateway';

/** One lock for the chain across every process on the store: a second writer waits for the first. */
export const CHAIN_LOCK_KEY = 73_102_104;

export interface ChainHead {
  seq: number;
  hash: string | undefined;
}

export interface StoredCheckpoint {
  id: number;
  count: number;
  head: string;
  signedAt: Date;
  signature: Buffer;
  payload: Buffer;
}

interface EntryRow {
  seq: string;
  at: Date;
  actor_kind: AuditActorKind;
  actor_name: string;
  action: string;
  people: string[];
  packet_id: string | null;
  unit: string | null;
  field_groups: string[];
  purpose: string | null;
  outcome: AuditOutcome;
  code: string | null;
  request_id: string | null;
  prev_hash: string;
  hash: string;
  source: string;
}

const ENTRY_COLUMNS = `seq, at, actor_kind, actor_name, action, people, packet_id, unit, field_groups, purpose,
  outcome, code, request_id, prev_hash, hash, source`;

function toEntry(r: EntryRow): ChainedEntry {
  return {
    seq: Number(r.seq), at: r.at, actorKind: r.actor_kind, actorName: r.actor_name, action: r.action,
    people: r.people, packetId: r.packet_id, unit: r.unit, fieldGroups: r.field_groups, purpose: r.purpose,
    outcome: r.outcome, code: r.code, requestId: r.request_id, prevHash: r.prev_hash, hash: r.hash, source: r.source,
  };
}

/**
 * Takes the chain's lock, then reads the head, in one round trip: two statements in one simple
 * query (no parameters). Under READ COMMITTED the second statement takes its snapshot after the
 * first has the lock, so it sees the head the previous holder committed. One round trip less
 * per batch is a fifth of a small batch's time.
 */
export async function lockChainHead(tx: Queryable): Promise<ChainHead> {
  const results = (await tx.query(
    `SELECT pg_advisory_xact_lock(${CHAIN_LOCK_KEY}); SELECT seq, hash FROM ${S}.audit_log ORDER BY seq DESC LIMIT 1`,
  )) as unknown as { rows: { seq: string; hash: string }[] }[];
  const row = results[1]?.rows[0];
  return row ? { seq: Number(row.seq), hash: row.hash } : { seq: 0, hash: undefined };
}

/**
 * The whole batch as one JSON parameter and one INSERT: a round trip per batch, not per
 * entry, whatever its size (json_to_recordset turns JSON arrays into text[]). Not a named
 * prepared statement: prepared, it cost PostgreSQL less alone but far more CPU per sharing
 * request under load (docs/decisions/audit-log.md).
 */
export async function insertEntries(tx: Queryable, entries: readonly ChainedEntry[]): Promise<void> {
  const rows = JSON.stringify(entries.map((e) => ({
    seq: e.seq, at: e.at.toISOString(), actor_kind: e.actorKind, actor_name: e.actorName, action: e.action,
    people: e.people, packet_id: e.packetId, unit: e.unit, field_groups: e.fieldGroups, purpose: e.purpose,
    outcome: e.outcome, code: e.code, request_id: e.requestId, prev_hash: e.prevHash, hash: e.hash, source: e.source ?? 'default',
  })));
  await tx.query(
    `INSERT INTO ${S}.audit_log (${ENTRY_COLUMNS})
     SELECT ${ENTRY_COLUMNS} FROM json_to_recordset($1::json) AS r(
       seq bigint, at timestamptz, actor_kind text, actor_name text, action text, people text[], packet_id text,
       unit text, field_groups text[], purpose text, outcome text, code text, request_id text, prev_hash text, hash text, source text)`,
    [rows],
  );
}

/** How many entries the chain holds, for the verifier's progress (one index-only count). */
export async function countEntries(q: Queryable): Promise<number> {
  const res = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${S}.audit_log`);
  return res.rows[0]?.n ?? 0;
}

/** Entries after `afterSeq`, ascending, for the verifier (keyset paging on the primary key). */
export async function readChainPage(q: Queryable, afterSeq: number, limit: number): Promise<ChainedEntry[]> {
  const res = await q.query<EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM ${S}.audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
    [afterSeq, limit],
  );
  return res.rows.map(toEntry);
}

export interface EntryFilter {
  person?: string;
  actor?: string;
  action?: string;
  since?: Date;
  /** Only entries before this sequence number (the next page of a newest-first list). */
  beforeSeq?: number;
  limit: number;
}

/** Newest first, filtered; each filter is used only when given, so the planner can use its index. */
export async function listEntries(q: Queryable, filter: EntryFilter): Promise<ChainedEntry[]> {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    values.push(value);
    where.push(sql.replace('?', `$${values.length}`));
  };
  if (filter.person !== undefined) add('people @> ARRAY[?]::text[]', filter.person);
  if (filter.actor !== undefined) add('actor_name = ?', filter.actor);
  if (filter.action !== undefined) add('action = ?', filter.action);
  if (filter.since !== undefined) add('at >= ?', filter.since);
  if (filter.beforeSeq !== undefined) add('seq < ?', filter.beforeSeq);
  values.push(filter.limit);
  const res = await q.query<EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM ${S}.audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY seq DESC LIMIT $${values.length}`,
    values,
  );
  return res.rows.map(toEntry);
}

/** Every entry naming the person, oldest first: the person's access report. */
export async function personEntries(q: Queryable, soDinhDanh: string, since: Date | undefined): Promise<ChainedEntry[]> {
  const res = await q.query<EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM ${S}.audit_log
     WHERE people @> ARRAY[$1]::text[] AND ($2::timestamptz IS NULL OR at >= $2)
     ORDER BY seq`,
    [soDinhDanh, since ?? null],
  );
  return res.rows.map(toEntry);
}

export async function insertCheckpoint(
  tx: Queryable,
  checkpoint: { count: number; head: string; signedAt: Date; signature: Buffer; payload: Buffer },
): Promise<void> {
  await tx.query(
    `INSERT INTO ${S}.audit_checkpoints (entry_count, head_hash, signed_at, signature, payload) VALUES ($1, $2, $3, $4, $5)`,
    [checkpoint.count, checkpoint.head, checkpoint.signedAt, checkpoint.signature, checkpoint.payload],
  );
}

interface CheckpointRow { id: string; entry_count: string; head_hash: string; signed_at: Date; signature: Buffer; payload: Buffer }

async function selectCheckpoints(q: Queryable, tail: string): Promise<StoredCheckpoint[]> {
  const res = await q.query<CheckpointRow>(
    `SELECT id, entry_count, head_hash, signed_at, signature, payload FROM ${S}.audit_checkpoints ${tail}`,
  );
  return res.rows.map((r) => ({
    id: Number(r.id), count: Number(r.entry_count), head: r.head_hash, signedAt: r.signed_at,
    signature: r.signature, payload: r.payload,
  }));
}

export function listCheckpoints(q: Queryable): Promise<StoredCheckpoint[]> {
  return selectCheckpoints(q, 'ORDER BY entry_count, id');
}

export async function latestCheckpoint(q: Queryable): Promise<StoredCheckpoint | undefined> {
  return (await selectCheckpoints(q, 'ORDER BY id DESC LIMIT 1'))[0];
}

export interface AuditStats {
  entries: number;
  lastCheckpointAt: Date | undefined;
  lastCheckpointCount: number | undefined;
}

/** For /metrics: the chain's length (its head's number) and the newest checkpoint. */
export async function auditStats(q: Queryable): Promise<AuditStats> {
  const res = await q.query<{ entries: string | null; signed_at: Date | null; entry_count: string | null }>(
    `SELECT (SELECT max(seq) FROM ${S}.audit_log) AS entries, c.signed_at, c.entry_count
     FROM (SELECT 1) one LEFT JOIN LATERAL (
       SELECT signed_at, entry_count FROM ${S}.audit_checkpoints ORDER BY id DESC LIMIT 1) c ON true`,
  );
  const row = res.rows[0];
  return {
    entries: Number(row?.entries ?? 0),
    lastCheckpointAt: row?.signed_at ?? undefined,
    lastCheckpointCount: row?.entry_count === null || row?.entry_count === undefined ? undefined : Number(row.entry_count),
  };
}

/**
 * Who the access report names: the province's agency (the sender code the store is bound to)
 * and every agency code among `codes`, with their names as the store knows them (the
 * provincial units copied by the sharing refresh, and the sharing clients).
 */
export async function agencyNames(q: Queryable, codes: string[]): Promise<{ province: string | null; names: Record<string, string> }> {
  const province = await q.query<{ code: string }>(`SELECT sender_code AS code FROM ${S}.gateway_instance`);
  const own = province.rows[0]?.code ?? null;
  const wanted = [...new Set([...codes, ...(own ? [own] : [])])];
  const res = await q.query<{ code: string; name: string }>(
    `SELECT agency_code AS code, name FROM ${S}.share_units WHERE agency_code = ANY ($1::text[])
     UNION ALL
     SELECT agency_code, name FROM ${S}.share_clients WHERE agency_code = ANY ($1::text[])`,
    [wanted],
  );
  return { province: own, names: Object.fromEntries(res.rows.map((r) => [r.code, r.name])) };
}
