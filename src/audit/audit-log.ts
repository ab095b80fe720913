import type { Db, Queryable } from '../db/db.js';
import type { Logger } from '../log/logger.js';
import type { CmsSigner } from '../signing/cms-signer.js';
import { chainEntries, GENESIS_HASH } from './audit-chain.js';
import { signCheckpoint, type SignedCheckpoint } from './audit-checkpoint.js';
import type { ActionAuditLog, AuditEntryInput } from './audit-entry.js';
import { AuditError } from './audit-errors.js';
import { insertCheckpoint, insertEntries, lockChainHead } from './audit-store.js';
import { recentRequestIds } from './recent-request-ids.js';
import { storableText } from './storable-text.js';

/**
 * The audit log on the store, with group commit (docs/decisions/audit-log.md): `append` queues
 * the entry and one writer at a time takes everything queued into one transaction (the
 * chain's advisory lock, the head, one INSERT of the batch, commit), then settles every
 * promise of the batch. The sharing endpoint appends once per request, so appends must not
 * cost a transaction each: while one batch commits, the next one gathers. The advisory lock
 * keeps ONE chain when several gateway processes share the store.
 *
 * A checkpoint is signed in the same transaction as the batch that crosses a multiple of
 * `checkpointEvery`, so its count and head are exactly what that transaction wrote.
 *
 * One entry cannot fail its batch: its text is made storable before it joins one (no NUL, no
 * lone surrogate, bounded length), and a batch the store still refuses for its content is
 * split in halves and retried, so only the offending entry is refused. `appendWithin` writes
 * an entry inside a caller's own transaction (an action and its entry commit together or not
 * at all): it takes the chain's lock there, which the group writer then waits for.
 */
export interface AuditLogOptions {
  /** The province's signer; without it no checkpoint is written. */
  signer?: CmsSigner;
  logger?: Logger;
  /** A signed checkpoint each time the chain passes a multiple of this many entries (default 1000). */
  checkpointEvery?: number;
  now?: () => Date;
  /** Most entries per transaction (default 1000). */
  maxBatch?: number;
}

export interface AuditLogService extends ActionAuditLog {
  /**
   * Chains and inserts `entry` in the caller's transaction `tx`; it is in the log exactly when
   * that transaction commits. Call it last in the transaction: the chain's lock is held from
   * here to the commit.
   */
  appendWithin(tx: Queryable, entry: AuditEntryInput): Promise<void>;
  /**
   * Whether this process wrote an entry naming `requestId` lately (the last 10,000 ids): the
   * HTTP layer audits a refusal no route audited, and asks this so it never audits one twice.
   */
  hasEntryFor(requestId: string): boolean;
  /** Writes everything queued, then a signed checkpoint of the chain as it then stands. */
  checkpoint(): Promise<SignedCheckpoint>;
  /** Resolves once everything queued so far is committed (or refused). */
  flush(): Promise<void>;
  /** Refuses further appends and flushes what is queued. */
  close(): Promise<void>;
}

interface Pending {
  input: AuditEntryInput;
  at: Date;
  resolve(): void;
  reject(err: unknown): void;
}

const ACTOR_KINDS = new Set(['token', 'client', 'cli', 'system']);
const OUTCOMES = new Set(['ok', 'refused', 'error']);
const isText = (v: unknown): boolean => typeof v === 'string' && v.length > 0;
const isTextList = (v: unknown): boolean => v === undefined || (Array.isArray(v) && v.every((x) => typeof x === 'string'));

const isOptionalText = (v: unknown): boolean => v === undefined || typeof v === 'string';

/** What the table's constraints would refuse, refused before it can fail a whole batch. */
export function checkEntryInput(entry: AuditEntryInput): string | undefined {
  if (!ACTOR_KINDS.has(entry.actor?.kind) || !isText(entry.actor?.name)) return 'actor needs a kind (token, client, cli, system) and a name';
  if (!isText(entry.action)) return 'action is required';
  if (!OUTCOMES.has(entry.outcome)) return 'outcome must be ok, refused or error';
  if (!isTextList(entry.people) || !isTextList(entry.fieldGroups)) return 'people and fieldGroups must be lists of text';
  const optional = [entry.packetId, entry.unit, entry.purpose, entry.code, entry.requestId, entry.source];
  if (!optional.every(isOptionalText)) return 'packetId, unit, purpose, code and requestId are text when given';
  return undefined;
}

/** The longest text one field of an entry keeps; a longer one (a pasted reason) is cut, marked. */
export const MAX_ENTRY_TEXT = 2000;

function keep(text: string): string {
  const storable = storableText(text);
  return storable.length > MAX_ENTRY_TEXT ? `${storable.slice(0, MAX_ENTRY_TEXT - 1)}…` : storable;
}

/**
 * The entry as the store can keep it, checked first: every text storable and bounded. What is
 * hashed is this, so the verifier recomputes the same bytes from the row.
 */
export function storableEntry(entry: AuditEntryInput): AuditEntryInput {
  const problem = checkEntryInput(entry);
  if (problem) throw new AuditError('audit.invalid_entry', problem);
  const out: AuditEntryInput = {
    actor: { kind: entry.actor.kind, name: keep(entry.actor.name) },
    action: keep(entry.action),
    outcome: entry.outcome,
  };
  if (entry.people !== undefined) out.people = entry.people.map(keep);
  if (entry.fieldGroups !== undefined) out.fieldGroups = entry.fieldGroups.map(keep);
  for (const key of ['packetId', 'unit', 'purpose', 'code', 'requestId', 'source'] as const) {
    const value = entry[key];
    if (value !== undefined) out[key] = keep(value);
  }
  return out;
}

/** SQLSTATE classes of a refused row (22: data exception, 23: constraint); others are the store's trouble. */
const refusesContent = (err: unknown): boolean => {
  const state = (err as { code?: unknown }).code;
  return typeof state === 'string' && (state.startsWith('22') || state.startsWith('23'));
};

export function createAuditLog(db: Db, options: AuditLogOptions = {}): AuditLogService {
  const every = options.checkpointEvery ?? 1000;
  const maxBatch = options.maxBatch ?? 1000;
  const now = options.now ?? (() => new Date());
  const { signer, logger } = options;
  let queue: Pending[] = [];
  const recent = recentRequestIds(10_000);
  const remember = (input: AuditEntryInput): void => {
    if (input.requestId !== undefined) recent.add(input.requestId);
  };
  let writing: Promise<void> | undefined;
  let closed = false;

  const writeCheckpoint = async (tx: Queryable, count: number, head: string): Promise<SignedCheckpoint> => {
    if (!signer) throw new AuditError('audit.no_signer', 'a checkpoint needs the province\'s signing key');
    const at = now();
    const signed = signCheckpoint(signer, count, head, at);
    await insertCheckpoint(tx, { count, head, signedAt: at, signature: signed.signature, payload: signed.payload });
    logger?.info('audit checkpoint signed', { entries: count });
    return signed;
  };

  const writeIn = async (tx: Queryable, batch: { input: AuditEntryInput; at: Date }[]): Promise<void> => {
    const head = await lockChainHead(tx);
    const entries = chainEntries(batch, head.seq, head.hash ?? GENESIS_HASH);
    await insertEntries(tx, entries);
    const last = entries[entries.length - 1];
    if (signer && last && Math.floor(head.seq / every) < Math.floor(last.seq / every)) {
      await writeCheckpoint(tx, last.seq, last.hash);
    }
  };

  const writeBatch = (batch: Pending[]): Promise<void> => db.transaction((tx) => writeIn(tx, batch));

  const failedError = (count: number, err: unknown): AuditError => {
    // The database's message may quote a row (personal numbers): it goes to the log, which
    // masks them, and stays the cause; the error a caller may see names only the SQLSTATE.
    const sqlState = (err as { code?: unknown }).code;
    logger?.error('audit entries not written', { entries: count, error: (err as Error).message });
    return new AuditError(
      'audit.append_failed',
      `the audit log could not write ${count} entries${typeof sqlState === 'string' ? ` (SQLSTATE ${sqlState})` : ''}`,
      { cause: err, retryable: !refusesContent(err) },
    );
  };

  /**
   * Writes a batch; when the store refuses its content, halves it and writes each half, so
   * the entry it refuses fails alone and every other entry is written. A store that is down
   * fails the batch whole (each half would fail the same way).
   */
  const settleBatch = async (batch: Pending[]): Promise<void> => {
    try {
      await writeBatch(batch);
      for (const p of batch) {
        remember(p.input);
        p.resolve();
      }
    } catch (err) {
      if (batch.length > 1 && refusesContent(err)) {
        const half = Math.ceil(batch.length / 2);
        await settleBatch(batch.slice(0, half));
        await settleBatch(batch.slice(half));
        return;
      }
      const failed = failedError(batch.length, err);
      for (const p of batch) p.reject(failed);
    }
  };

  const drain = async (): Promise<void> => {
    // Appends made in the same tick as the first join its batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (queue.length > 0) {
      const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
      queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
      await settleBatch(batch);
    }
    writing = undefined;
  };

  const flush = async (): Promise<void> => {
    while (writing) await writing;
  };

  return {
    append(entry) {
      if (closed) return Promise.reject(new AuditError('audit.closed', 'the audit log is closed'));
      let input: AuditEntryInput;
      try {
        input = storableEntry(entry);
      } catch (err) {
        return Promise.reject(err);
      }
      return new Promise<void>((resolve, reject) => {
        queue.push({ input, at: now(), resolve, reject });
        writing ??= drain();
      });
    },
    async appendWithin(tx, entry) {
      if (closed) throw new AuditError('audit.closed', 'the audit log is closed');
      const input = storableEntry(entry);
      try {
        await writeIn(tx, [{ input, at: now() }]);
        remember(input);
      } catch (err) {
        throw failedError(1, err);
      }
    },
    async checkpoint() {
      if (!signer) throw new AuditError('audit.no_signer', 'a checkpoint needs the province\'s signing key');
      await flush();
      return db.transaction(async (tx) => {
        const head = await lockChainHead(tx);
        return writeCheckpoint(tx, head.seq, head.hash ?? GENESIS_HASH);
      });
    },
    hasEntryFor: (requestId) => recent.has(requestId),
    flush,
    async close() {
      closed = true;
      await flush();
    },
  };
}
