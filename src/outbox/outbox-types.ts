import type { AttemptRecord } from '../ndxp/ndxp-client.js';

/**
 * The outbox's states (docs/decisions/outbox.md). Packet: pending -> sent -> done | failed
 * (or cancelled by an operator). Record version: queued -> in_packet -> accepted | stale |
 * rejected; invalid (failed pre-validation, never sent); unchanged (identical to the last
 * accepted record, skipped).
 */
export type PacketStatus = 'pending' | 'sent' | 'done' | 'failed' | 'cancelled';
export type RecordStatus = 'queued' | 'in_packet' | 'accepted' | 'stale' | 'rejected' | 'invalid' | 'unchanged' | 'held';

export interface RecordVersion {
  /** The provincial database it was read from (migration 015); unset: the store's own source. */
  source?: string;
  vendorId: string;
  approvalId: string;
  soDinhDanh: string | undefined;
  operation: 'upsert' | 'archive';
  approvedAt: string;
  approvedByUnit: string | undefined;
  /** `held`: kept back, not sent, while two sources of a merged province approve the person (migration 016). */
  status: 'queued' | 'invalid' | 'unchanged' | 'held';
  recordHash: string | undefined;
  /** The national record as JSON text, as it was hashed and goes into a packet. */
  recordJson: string | undefined;
  errors: unknown[] | undefined;
  /** The mapping it was made under (mapping-fingerprint.ts). */
  mappingFingerprint?: string;
}

/**
 * A version ready to pack: one left `queued` in the store by an earlier run (it has an `id`),
 * or one mapped this run and not yet in the store (no `id`), recorded only together with the
 * packet that carries it, so its record's bytes are stored once, in the envelope.
 */
export interface QueuedVersion {
  id?: string;
  /** The provincial database it was read from; unset: the source of the store that packs it. */
  source?: string;
  vendorId: string;
  approvalId: string;
  soDinhDanh: string;
  operation: 'upsert' | 'archive';
  approvedAt: string;
  approvedByUnit: string | undefined;
  recordHash: string;
  recordJson: string;
  /** The mapping it was made under, for a version new this run. */
  mappingFingerprint?: string;
}

/** A record of a failed packet, as decoded from its envelope, going back to the queue. */
export interface ReturnedRecord {
  soDinhDanh: string;
  approvedAt: string;
  recordJson: string;
}

export interface StoredPacket {
  packetId: string;
  recordCount: number;
}

/** What the due scan needs of a person the gateway took in (outbox-store.ts, takenIn). */
export type TakenHead = Pick<PersonState, 'lastApprovalId' | 'refusedUnder'>;

/** Everyone of a source the gateway took in, by vendor id. */
export interface TakenIn {
  get(vendorId: string): TakenHead | undefined;
}

export interface PersonState {
  lastApprovalId: string;
  acceptedHash: string | undefined;
  /**
   * When the version of lastApprovalId was refused by the gateway's own mapping or
   * pre-validation (`invalid`): the fingerprint of the mapping that refused it ('' when it
   * was recorded before fingerprints were kept). Undefined otherwise.
   */
  refusedUnder?: string;
}

/** One HTTP attempt as the NDXP client reports it, against the packet it was about. */
export type AttemptRow = AttemptRecord & { packetId: string | undefined };
