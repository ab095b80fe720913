import { createHash } from 'node:crypto';
import type { AuditActorKind, AuditEntryInput, AuditOutcome } from './audit-entry.js';

/**
 * The hash chain of the audit log (docs/decisions/audit-log.md). Each entry's hash is SHA-256
 * over its canonical serialisation, which includes the previous entry's hash: editing,
 * removing or reordering an entry breaks every link after it. The serialisation is fixed so
 * that any later reader (another version of the gateway, an auditor's script) recomputes the
 * same bytes: a JSON array with the fields in the order of `CANONICAL_FIELDS`, every absent
 * value an explicit null, the time as ISO 8601 UTC with milliseconds, arrays in the order given.
 */
export interface ChainedEntry {
  /** 1, 2, 3...: no gaps, so a removed entry shows as a missing number. */
  seq: number;
  at: Date;
  actorKind: AuditActorKind;
  actorName: string;
  action: string;
  people: string[];
  packetId: string | null;
  unit: string | null;
  fieldGroups: string[];
  purpose: string | null;
  outcome: AuditOutcome;
  code: string | null;
  requestId: string | null;
  prevHash: string;
  hash: string;
  /** The source the entry is about; unset or 'default' unless a merged province's action names one. */
  source?: string;
}

export type UnhashedEntry = Omit<ChainedEntry, 'hash'>;

/** The previous hash of entry 1. */
export const GENESIS_HASH = '0'.repeat(64);

export const CANONICAL_FIELDS = [
  'seq', 'at', 'actorKind', 'actorName', 'action', 'people', 'packetId', 'unit',
  'fieldGroups', 'purpose', 'outcome', 'code', 'requestId', 'prevHash',
] as const;

/** The source no entry hashes: every entry written before sources existed is of it. */
export const UNHASHED_SOURCE = 'default';

/**
 * The source joins the hashed array as a 15th element only when it is not 'default': every
 * entry written before migration 015 keeps the bytes (and hash) it was chained with, and a
 * merged province's source cannot be edited, removed or added afterwards without breaking
 * the entry's hash (14 elements and 15 never give the same bytes).
 */
export function canonicalEntry(entry: UnhashedEntry): string {
  const fields: unknown[] = [
    entry.seq, entry.at.toISOString(), entry.actorKind, entry.actorName, entry.action, entry.people,
    entry.packetId, entry.unit, entry.fieldGroups, entry.purpose, entry.outcome, entry.code,
    entry.requestId, entry.prevHash,
  ];
  if (entry.source !== undefined && entry.source !== UNHASHED_SOURCE) fields.push(entry.source);
  return JSON.stringify(fields);
}

export function entryHash(entry: UnhashedEntry): string {
  return createHash('sha256').update(canonicalEntry(entry), 'utf8').digest('hex');
}

/** An input as the chain stores it: absent values null, arrays copied as given. */
export function unhashedEntry(input: AuditEntryInput, seq: number, at: Date, prevHash: string): UnhashedEntry {
  return {
    seq,
    at,
    actorKind: input.actor.kind,
    actorName: input.actor.name,
    action: input.action,
    people: [...(input.people ?? [])],
    packetId: input.packetId ?? null,
    unit: input.unit ?? null,
    fieldGroups: [...(input.fieldGroups ?? [])],
    purpose: input.purpose ?? null,
    outcome: input.outcome,
    code: input.code ?? null,
    requestId: input.requestId ?? null,
    prevHash,
    source: input.source ?? UNHASHED_SOURCE,
  };
}

/** Chains `inputs` after the head (`headSeq`, `headHash`; 0 and GENESIS_HASH on an empty log). */
export function chainEntries(
  inputs: { input: AuditEntryInput; at: Date }[],
  headSeq: number,
  headHash: string,
): ChainedEntry[] {
  let prev = headHash;
  return inputs.map(({ input, at }, i) => {
    const unhashed = unhashedEntry(input, headSeq + i + 1, at, prev);
    const hash = entryHash(unhashed);
    prev = hash;
    return { ...unhashed, hash };
  });
}

/**
 * A checkpoint's signed statement: the chain held `count` entries ending in `head` at
 * `signedAt`, says `sender` (the province's agency code). Canonical bytes: a JSON object with
 * the keys in this order, no spaces.
 */
export interface CheckpointStatement {
  count: number;
  head: string;
  signedAt: string;
  sender: string;
}

export function checkpointPayload(statement: CheckpointStatement): Buffer {
  const { count, head, signedAt, sender } = statement;
  return Buffer.from(JSON.stringify({ count, head, signedAt, sender }), 'utf8');
}
