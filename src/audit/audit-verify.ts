import type { Queryable } from '../db/db.js';
import { isGatewayError } from '../errors.js';
import { verifyCheckpoint, type CheckpointTrust } from './audit-checkpoint.js';
import { countEntries, listCheckpoints, readChainPage } from './audit-store.js';
import type { OnProgress } from '../progress/progress.js';
import { createChainVerifier, type AuditProblem, type PinnedCheckpoint } from './chain-verifier.js';

/**
 * `audit verify`: every checkpoint's signature first (the store's and any the auditor kept
 * outside it), then the whole chain in pages against them. The next page is read while the
 * current one is hashed, so the time is about that of reading the table once.
 */
export interface VerifyAuditOptions {
  trust: CheckpointTrust;
  /** Checkpoints kept outside the store (exported files), already parsed. */
  external?: { source: string; payload: Buffer; signature: Buffer }[];
  pageSize?: number;
  /** Entries checked so far, of those the chain held when the check began. */
  progress?: OnProgress;
}

export interface AuditVerifyReport {
  ok: boolean;
  entries: number;
  head: string;
  checkpoints: number;
  problem?: AuditProblem;
}

type Pinned = { pins: PinnedCheckpoint[] } | { problem: AuditProblem };

async function pinnedCheckpoints(db: Queryable, options: VerifyAuditOptions): Promise<Pinned> {
  const pins: PinnedCheckpoint[] = [];
  const invalid = (err: unknown): { problem: AuditProblem } => {
    if (!isGatewayError(err)) throw err;
    return { problem: { kind: 'checkpoint_invalid', message: err.message } };
  };
  for (const stored of await listCheckpoints(db)) {
    const source = `stored checkpoint ${stored.id}`;
    try {
      const statement = verifyCheckpoint(stored, options.trust, source);
      if (statement.count !== stored.count || statement.head !== stored.head || statement.signedAt !== stored.signedAt.toISOString()) {
        return { problem: { kind: 'checkpoint_invalid', message: `${source}: its columns differ from the statement it signed` } };
      }
      pins.push({ count: statement.count, head: statement.head, signedAt: statement.signedAt, source: 'the store' });
    } catch (err) {
      return invalid(err);
    }
  }
  for (const file of options.external ?? []) {
    try {
      const statement = verifyCheckpoint(file, options.trust, file.source);
      pins.push({ count: statement.count, head: statement.head, signedAt: statement.signedAt, source: file.source });
    } catch (err) {
      return invalid(err);
    }
  }
  return { pins };
}

export async function verifyAuditLog(db: Queryable, options: VerifyAuditOptions): Promise<AuditVerifyReport> {
  const pinned = await pinnedCheckpoints(db, options);
  if ('problem' in pinned) return { ok: false, entries: 0, head: '', checkpoints: 0, problem: pinned.problem };
  const verifier = createChainVerifier(pinned.pins);
  const pageSize = options.pageSize ?? 10_000;
  const total = options.progress ? await countEntries(db) : undefined;
  let page = await readChainPage(db, 0, pageSize);
  const report = (problem: AuditProblem | undefined): AuditVerifyReport => ({
    ok: problem === undefined, entries: verifier.entries, head: verifier.head, checkpoints: pinned.pins.length,
    ...(problem ? { problem } : {}),
  });
  while (page.length > 0) {
    const last = page[page.length - 1]!.seq;
    const next = page.length === pageSize ? readChainPage(db, last, pageSize) : Promise.resolve([]);
    const problem = verifier.feed(page);
    // Entries appended while the check runs are checked too: the total never falls behind.
    options.progress?.({ done: verifier.entries, total: Math.max(total ?? 0, verifier.entries) });
    if (problem) {
      await next.catch(() => undefined);
      return report(problem);
    }
    page = await next;
  }
  return report(verifier.finish());
}
