import type { Db, Queryable } from '../db/db.js';
import type { Logger } from '../log/logger.js';
import type { CmsSigner } from '../signing/cms-signer.js';
import { chainEntries, GENESIS_HASH } from './audit-chain.js';
import { signCheckpoint, type SignedCheckpoint } from './audit-checkpoint.js';
import type { AuditEntryInput, AuditLog } from './audit-entry.js';
import { AuditError } from './audit-errors.js';
import { insertCheckpoint, insertEntries, lockChainHead } from './audit-store.js';

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

export interface AuditLogService extends AuditLog {
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

/** What the table's constraints would refuse, refused before it can fail a whole batch. */
export function checkEntryInput(entry: AuditEntryInput): string | undefined {
  if (!ACTOR_KINDS.has(entry.actor?.kind) || !isText(entry.actor?.name)) return 'actor needs a kind (token, client, cli, system) and a name';
  if (!isText(entry.action)) return 'action is required';
  if (!OUTCOMES.has(entry.outcome)) return 'outcome must be ok, refused or error';
  if (!isTextList(entry.people) || !isTextList(entry.fieldGroups)) return 'people and fieldGroups must be lists of text';
  return undefined;
}

export function createAuditLog(db: Db, options: AuditLogOptions = {}): AuditLogService {
  const every = options.checkpointEvery ?? 1000;
  const maxBatch = options.maxBatch ?? 1000;
  const now = options.now ?? (() => new Date());
  const { signer, logger } = options;
  let queue: Pending[] = [];
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

  const writeBatch = (batch: Pending[]): Promise<void> =>
    db.transaction(async (tx) => {
      const head = await lockChainHead(tx);
      const entries = chainEntries(batch, head.seq, head.hash ?? GENESIS_HASH);
      await insertEntries(tx, entries);
      const last = entries[entries.length - 1];
      if (signer && last && Math.floor(head.seq / every) < Math.floor(last.seq / every)) {
        await writeCheckpoint(tx, last.seq, last.hash);
      }
    });

  const drain = async (): Promise<void> => {
    // Appends made in the same tick as the first join its batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (queue.length > 0) {
      const batch = queue.length <= maxBatch ? queue : queue.slice(0, maxBatch);
      queue = queue.length <= maxBatch ? [] : queue.slice(maxBatch);
      try {
        await writeBatch(batch);
        for (const p of batch) p.resolve();
      } catch (err) {
        // The database's message may quote a row (personal numbers): it goes to the log, which
        // masks them, and stays the cause; the error a caller may see names only the SQLSTATE.
        const sqlState = (err as { code?: unknown }).code;
        logger?.error('audit entries not written', { entries: batch.length, error: (err as Error).message });
        const failed = new AuditError(
          'audit.append_failed',
          `the audit log could not write ${batch.length} entries${typeof sqlState === 'string' ? ` (SQLSTATE ${sqlState})` : ''}`,
          { cause: err, retryable: true },
        );
        for (const p of batch) p.reject(failed);
      }
    }
    writing = undefined;
  };

  const flush = async (): Promise<void> => {
    while (writing) await writing;
  };

  return {
    append(entry) {
      if (closed) return Promise.reject(new AuditError('audit.closed', 'the audit log is closed'));
      const problem = checkEntryInput(entry);
      if (problem) return Promise.reject(new AuditError('audit.invalid_entry', problem));
      return new Promise<void>((resolve, reject) => {
        queue.push({ input: entry, at: now(), resolve, reject });
        writing ??= drain();
      });
    },
    async checkpoint() {
      if (!signer) throw new AuditError('audit.no_signer', 'a checkpoint needs the province\'s signing key');
      await flush();
      return db.transaction(async (tx) => {
        const head = await lockChainHead(tx);
        return writeCheckpoint(tx, head.seq, head.hash ?? GENESIS_HASH);
      });
    },
    flush,
    async close() {
      closed = true;
      await flush();
    },
  };
}
