import type { X509Certificate } from 'node:crypto';
import type { CmsSigner } from '../signing/cms-signer.js';
import { verifyEnvelope } from '../signing/envelope-verifier.js';
import { checkpointPayload, type CheckpointStatement } from './audit-chain.js';
import { AuditError } from './audit-errors.js';

/**
 * Signed checkpoints (docs/decisions/audit-log.md): the chain's count and head, signed with
 * the province's key as a detached CMS over the statement's canonical bytes, exactly as packets
 * are signed (contract README, "The signed envelope"), so `openssl cms -verify` checks one
 * with the same command. The export is a JSON file an auditor keeps outside the store.
 */
export interface SignedCheckpoint {
  statement: CheckpointStatement;
  payload: Buffer;
  signature: Buffer;
}

/** The JSON a checkpoint is exported as (`audit checkpoint --out FILE`). */
export interface CheckpointExport {
  count: number;
  head: string;
  signedAt: string;
  sender: string;
  /** The signed bytes, base64: the statement above, canonical. */
  payload: string;
  /** DER CMS SignedData, detached, base64. */
  signature: string;
}

export function signCheckpoint(signer: CmsSigner, count: number, head: string, at: Date): SignedCheckpoint {
  const sender = signer.identity(at).summary.ous[0];
  if (sender === undefined) throw new AuditError('audit.no_sender', 'the signing certificate carries no OU (agency code)');
  const statement: CheckpointStatement = { count, head, signedAt: at.toISOString(), sender };
  const payload = checkpointPayload(statement);
  return { statement, payload, signature: signer.sign(payload, at) };
}

export function exportCheckpoint(signed: { payload: Buffer; signature: Buffer }): CheckpointExport {
  const statement = readStatement(signed.payload, 'the checkpoint');
  return { ...statement, payload: signed.payload.toString('base64'), signature: signed.signature.toString('base64') };
}

function readStatement(payload: Buffer, source: string): CheckpointStatement {
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new AuditError('audit.checkpoint_invalid', `${source}: the signed statement is not JSON`);
  }
  const s = value as Partial<CheckpointStatement> | null;
  if (
    typeof s !== 'object' || s === null || !Number.isSafeInteger(s.count) || (s.count as number) < 0 ||
    typeof s.head !== 'string' || typeof s.signedAt !== 'string' || typeof s.sender !== 'string'
  ) {
    throw new AuditError('audit.checkpoint_invalid', `${source}: the signed statement lacks count, head, signedAt or sender`);
  }
  const statement = { count: s.count as number, head: s.head, signedAt: s.signedAt, sender: s.sender };
  if (!checkpointPayload(statement).equals(payload)) {
    throw new AuditError('audit.checkpoint_invalid', `${source}: the signed statement is not in canonical form`);
  }
  return statement;
}

export interface CheckpointTrust {
  trustAnchors: X509Certificate[];
  /** The province's agency code (SENDER_CODE): the signer's OU and the statement's sender. */
  sender: string;
  now?: Date;
}

/**
 * The statement of a checkpoint whose signature verifies: over exactly the payload bytes, by a
 * certificate that chains to a trust anchor, valid at signing time, of the province's OU.
 */
export function verifyCheckpoint(signed: { payload: Buffer; signature: Buffer }, trust: CheckpointTrust, source: string): CheckpointStatement {
  try {
    verifyEnvelope(
      { format: 'json', payload: signed.payload.toString('base64'), signature: signed.signature.toString('base64') },
      { trustAnchors: trust.trustAnchors, expectedSigner: trust.sender, ...(trust.now ? { now: trust.now } : {}) },
    );
  } catch (err) {
    throw new AuditError('audit.checkpoint_invalid', `${source}: the signature does not verify: ${(err as Error).message}`, { cause: err });
  }
  const statement = readStatement(signed.payload, source);
  if (statement.sender !== trust.sender) {
    throw new AuditError('audit.checkpoint_invalid', `${source}: signed for ${statement.sender}, not ${trust.sender}`);
  }
  return statement;
}

/** A checkpoint file as exported; the readable fields must say what the signed payload says. */
export function parseCheckpointFile(text: string, source: string): { payload: Buffer; signature: Buffer } {
  let value: Partial<CheckpointExport>;
  try {
    value = JSON.parse(text) as Partial<CheckpointExport>;
  } catch {
    throw new AuditError('audit.checkpoint_invalid', `${source} is not JSON`);
  }
  if (typeof value.payload !== 'string' || typeof value.signature !== 'string') {
    throw new AuditError('audit.checkpoint_invalid', `${source} lacks payload or signature (base64)`);
  }
  const signed = { payload: Buffer.from(value.payload, 'base64'), signature: Buffer.from(value.signature, 'base64') };
  const statement = readStatement(signed.payload, source);
  if ((value.count !== undefined && value.count !== statement.count) || (value.head !== undefined && value.head !== statement.head)) {
    throw new AuditError('audit.checkpoint_invalid', `${source}: count or head differs from the signed payload`);
  }
  return signed;
}
