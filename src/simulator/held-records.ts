import type { Db } from '../db/db.js';
import type { PayloadCodec } from '../encoding/payload-codec.js';
import { findOfficial, packetPayload, type HeldRecord } from './ledger-store.js';
import { NationalRefusal } from './simulator-errors.js';

/**
 * The record the national side holds for an official, as the pull serves it: inline for a
 * seeded (migrated) record, otherwise read back from the exact payload of the packet that
 * brought the accepted version (ledger: officials.packet_id, position).
 */
export async function readHeldRecord(db: Db, codec: PayloadCodec, soDinhDanh: string): Promise<HeldRecord | undefined> {
  const row = await findOfficial(db, soDinhDanh);
  if (!row) return undefined;
  const { packetId, position, record, ...held } = row;
  if (record) return { ...held, record };
  const stored = packetId === null ? undefined : await packetPayload(db, packetId);
  if (!stored || position === null) throw new NationalRefusal('INTERNAL_ERROR', 'the ledger holds an official without their record');
  const packet = codec.decode('packet', stored.format, stored.payload) as { records: { data: Record<string, unknown> }[] };
  const data = packet.records[position]?.data;
  if (!data) throw new NationalRefusal('INTERNAL_ERROR', `packet ${packetId} has no record at position ${position}`);
  return { ...held, record: data };
}
