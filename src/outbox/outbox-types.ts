import type { AttemptRecord } from '../ndxp/ndxp-client.js';

/**
 * The outbox's states (docs/decisions/outbox.md). Packet: pending -> sent -> done | failed
 * (or cancelled by an operator). Record version: queued -> in_packet -> accepted | stale |
 * rejected; invalid (failed pre-validation, never sent); unchanged (identical to the last
 * accepted record, skipped).
 */
export type PacketStatus = 'pending' | 'sent' | 'done' | 'failed' | 'cancelled';
export type RecordStatus = 'queued' | 'in_packet' | 'accepted' | 'stale' | 'rejected' | 'invalid' | 'unchanged';

export interface RecordVersion {
  vendorId: string;
  approvalId: string;
  soDinhDanh: string | undefined;
  operation: 'upsert' | 'archive';
  approvedAt: string;
  approvedByUnit: string | undefined;
  status: 'queued' | 'invalid' | 'unchanged';
  recordHash: string | undefined;
  /** The national record as JSON text, as it was hashed and goes into a packet. */
  recordJson: string | undefined;
  errors: unknown[] | undefined;
}

export interface QueuedVersion {
  id: string;
  vendorId: string;
  soDinhDanh: string;
  operation: 'upsert' | 'archive';
  approvedAt: string;
  approvedByUnit: string | undefined;
  recordJson: string;
}

export interface StoredPacket {
  packetId: string;
  recordCount: number;
}

export interface PersonState {
  lastApprovalId: string;
  acceptedHash: string | undefined;
}

export interface ReceiptResult {
  soDinhDanh: string;
  approvedAt?: string;
  status: 'accepted' | 'rejected' | 'stale';
  errors?: unknown[];
}

/** One HTTP attempt as the NDXP client reports it, against the packet it was about. */
export type AttemptRow = AttemptRecord & { packetId: string | undefined };
