import type { Db, Queryable } from '../../src/db/db.js';

/**
 * A `Db` that times every statement under a label, for the sync bench's profile. The label
 * comes from a classifier over the SQL text (and its values), so the bench can tell the due
 * scan from the person read or the packet store without touching src/. A statement's time is
 * the await as the caller sees it: network, server, and pg's row parsing in this process.
 */
export interface StatementTiming {
  count: number;
  ms: number;
  rows: number;
}

export interface TimingLog {
  /** Per "phase label": how many, how long in all, how many rows came back. */
  statements: Map<string, StatementTiming>;
  /** The phase in hand, and when each began (ms since `origin`). */
  phase: string;
  phaseStarts: Map<string, number>;
  /** A label whose first sighting starts a phase (the sync's steps run in order). */
  transitions: Record<string, string>;
  origin: number;
}

export type Classifier = (text: string, values: unknown[] | undefined) => string;

export function createTimingLog(phase: string, transitions: Record<string, string> = {}): TimingLog {
  const origin = performance.now();
  return { statements: new Map(), phase, phaseStarts: new Map([[phase, 0]]), transitions, origin };
}

/** Records one timed call that began at `startedAt` (performance.now()) and ends now. */
export function note(log: TimingLog, label: string, startedAt: number, rows = 0): void {
  const next = log.transitions[label];
  if (next !== undefined && !log.phaseStarts.has(next)) {
    log.phase = next;
    log.phaseStarts.set(next, startedAt - log.origin);
  }
  const key = `${log.phase}\t${label}`;
  const entry = log.statements.get(key) ?? { count: 0, ms: 0, rows: 0 };
  entry.count += 1;
  entry.ms += performance.now() - startedAt;
  entry.rows += rows;
  log.statements.set(key, entry);
}

/** Wraps an async function so each call is noted under `label`. */
export function timed<A extends unknown[], R>(log: TimingLog, label: string, fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    const started = performance.now();
    try {
      return await fn(...args);
    } finally {
      note(log, label, started);
    }
  };
}

function timedQueryable(q: Queryable, log: TimingLog, classify: Classifier): Queryable {
  return {
    async query(text, values) {
      const started = performance.now();
      const res = await q.query(text, values);
      note(log, classify(text, values), started, typeof res.rowCount === 'number' ? res.rowCount : 0);
      // The caller's row type is its own business; the wrapper only watches.
      return res as never;
    },
  };
}

/** `txLabel` set: each transaction is also noted as a whole under it. */
export function timedDb(db: Db, log: TimingLog, classify: Classifier, txLabel?: string): Db {
  const inner = timedQueryable(db, log, classify);
  return {
    description: db.description,
    query: inner.query,
    async transaction(fn, options) {
      const started = performance.now();
      try {
        return await db.transaction((tx) => fn(timedQueryable(tx, log, classify)), options);
      } finally {
        if (txLabel) note(log, txLabel, started);
      }
    },
    withClient: (fn) => db.withClient(fn),
    close: () => db.close(),
  };
}

/** The gateway store's statements (src/outbox/outbox-store.ts), named after their functions. */
export function classifyStore(text: string, values: unknown[] | undefined): string {
  const sql = text.replace(/\s+/g, ' ');
  if (sql.includes('INSERT INTO csdl_gateway.sync_runs')) return 'store.startRun';
  if (sql.includes('UPDATE csdl_gateway.sync_runs')) return 'store.finishRun';
  if (sql.includes('FROM csdl_gateway.person_state WHERE vendor_id = ANY')) return 'store.personStates';
  if (sql.includes("'in_packet', v.record_hash")) return 'store.storePacket.newVersions';
  if (sql.includes('INSERT INTO csdl_gateway.record_versions')) return 'store.recordVersions';
  if (sql.includes('INSERT INTO csdl_gateway.person_state')) return 'store.personState';
  if (/FROM csdl_gateway\.record_versions (?:v )?WHERE status = 'queued'/.test(sql)) return 'store.queued';
  if (sql.includes('INSERT INTO csdl_gateway.packets')) return 'store.storePacket.insert';
  if (sql.includes("SET status = 'in_packet'")) return 'store.storePacket.moveRecords';
  if (sql.includes('FROM csdl_gateway.packets WHERE status = $1')) return `store.packetsIn(${String(values?.[0])})`;
  if (sql.includes('INSERT INTO csdl_gateway.send_attempts')) return 'store.recordAttempt';
  if (sql.includes("SET status = 'sent'")) return 'store.markSent';
  if (sql.includes('INSERT INTO csdl_gateway.receipts')) return 'store.completePacket.receipt';
  if (sql.includes('UPDATE csdl_gateway.record_versions v SET status = r.status')) return 'store.completePacket.results';
  if (sql.includes('UPDATE csdl_gateway.person_state s SET accepted_hash')) return 'store.completePacket.acceptedHash';
  if (sql.includes("SET status = 'done'")) return 'store.completePacket.done';
  return `store.other: ${sql.slice(0, 60)}`;
}

/** The provincial database's statements (src/sync/due-query.ts, src/source/). */
export function classifySource(text: string): string {
  if (text.includes('WITH chosen AS MATERIALIZED')) return 'source.readPersons';
  if (text.includes('JOIN LATERAL') && text.includes('AS vendor_id, a.id::text AS approval_id')) return 'source.approvedHeads';
  return 'source.reference';
}

/** The simulator ledger's statements (src/simulator/ledger-store.ts), by the table they touch. */
export function classifyLedger(text: string): string {
  const sql = text.replace(/\s+/g, ' ');
  const verb = /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? '?';
  const table = /csdl_simulator\.(\w+)/.exec(sql)?.[1] ?? '?';
  return `ledger.${verb.toLowerCase()} ${table}`;
}
