import { createHash } from 'node:crypto';
import type { PayloadCodec, PayloadFormat } from '../encoding/payload-codec.js';

/**
 * Building push packets (contract: "Push"; packet.schema.json): group records into packets of
 * at most `maxRecords` records and `maxBytes` of encoded payload, write the header, encode.
 * Pure: ids and clocks come in as values; signing happens at the caller.
 */
export interface PushRecord {
  operation: 'upsert' | 'archive';
  soDinhDanh: string;
  approvedAt: string;
  approvedByUnit?: string;
  data: Record<string, unknown>;
}

/** A push record whose data is already JSON text (serialised once, when mapped). */
export interface PreparedRecord {
  operation: 'upsert' | 'archive';
  soDinhDanh: string;
  approvedAt: string;
  approvedByUnit?: string;
  dataJson: string;
}

export function prepareRecord(record: PushRecord): PreparedRecord {
  const { data, ...rest } = record;
  return { ...rest, dataJson: JSON.stringify(data) };
}

export interface Approval {
  approvedBy: { hoTen: string; chucVu: string };
  approvedAt: string;
  ky?: string;
}

export interface PacketLimits {
  maxRecords: number;
  maxBytes: number;
}

export interface PacketInput<T> {
  packetId: string;
  createdAt: string;
  sender: string;
  receiver: string;
  approval: Approval;
  format: PayloadFormat;
  items: T[];
  record: (item: T) => PreparedRecord;
  /**
   * The item's record as UTF-8 JSON (recordBytes), when the caller already encoded it to size
   * the packets: a JSON payload is then joined from these bytes, not encoded a second time.
   */
  bytes?: (item: T) => Buffer;
}

export interface BuiltPacket<T> {
  packetId: string;
  items: T[];
  payload: Buffer;
  payloadSha256: string;
}

/** Greedy grouping by count and by each record's estimated encoded size. */
export function groupBySize<T>(items: T[], sizeOf: (item: T) => number, limits: PacketLimits): T[][] {
  const groups: T[][] = [];
  let current: T[] = [];
  let bytes = HEADER_ALLOWANCE;
  for (const item of items) {
    const size = sizeOf(item);
    if (current.length > 0 && (current.length >= limits.maxRecords || bytes + size > limits.maxBytes)) {
      groups.push(current);
      current = [];
      bytes = HEADER_ALLOWANCE;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** Room kept for the header and the wrapping of the records array. */
const HEADER_ALLOWANCE = 2048;

/**
 * A record's JSON as UTF-8, exactly as it goes into a JSON packet: encoded once, its length is
 * its size in the packet (plus a comma) and the bytes are joined into the payload as they are.
 */
export function recordBytes(record: PreparedRecord): Buffer {
  return Buffer.from(recordJson(record), 'utf8');
}

/** A record's encoded size, estimated from its JSON; XML spends about half as much again on tags. */
export function estimateRecordBytes(record: PreparedRecord, format: PayloadFormat): number {
  const json = Buffer.byteLength(recordJson(record));
  return format === 'xml' ? Math.ceil(json * 1.6) : json + 1;
}

function header(input: Omit<PacketInput<unknown>, 'items' | 'record' | 'bytes'>, count: number): Record<string, unknown> {
  return {
    schemaVersion: '1.0',
    packetId: input.packetId,
    sender: input.sender,
    receiver: input.receiver,
    createdAt: input.createdAt,
    recordCount: count,
    approval: input.approval,
  };
}

export function packetPayload(input: Omit<PacketInput<unknown>, 'items' | 'record' | 'bytes'>, records: PushRecord[]): Record<string, unknown> {
  return { header: header(input, records.length), records };
}

/** One record as JSON.stringify would write it, its data spliced in as it was serialised. */
function recordJson(r: PreparedRecord): string {
  const head = JSON.stringify({
    operation: r.operation, soDinhDanh: r.soDinhDanh, approvedAt: r.approvedAt, ...(r.approvedByUnit ? { approvedByUnit: r.approvedByUnit } : {}),
  });
  return `${head.slice(0, -1)},"data":${r.dataJson}}`;
}

/**
 * The payload bytes: JSON by splicing each record's JSON text into the packet (the same bytes
 * JSON.stringify gives for the whole packet, without serialising every record again), written
 * into one buffer from each record's bytes (`bytes` when the caller holds them, else encoded
 * here); XML through the codec, from the parsed records.
 */
function payloadOf<T>(input: PacketInput<T>, codec: PayloadCodec): Buffer {
  const { items } = input;
  if (input.format === 'json') {
    // Each record encoded on its own and the buffers joined: encoding one joined megabyte
    // string (a rope of spliced pieces, flattened first) took 2.5 times as long.
    const parts = items.map((item) => input.bytes?.(item) ?? recordBytes(input.record(item)));
    const head = Buffer.from(`{"header":${JSON.stringify(header(input, items.length))},"records":[`, 'utf8');
    let length = head.length + Math.max(0, parts.length - 1) + 2;
    for (const part of parts) length += part.length;
    const payload = Buffer.allocUnsafe(length);
    let at = head.copy(payload, 0);
    parts.forEach((part, i) => {
      if (i > 0) at = payload.write(',', at, 'latin1') + at;
      at += part.copy(payload, at);
    });
    payload.write(']}', at, 'latin1');
    return payload;
  }
  const parsed = items.map(input.record).map(({ dataJson, ...rest }) => ({ ...rest, data: JSON.parse(dataJson) as Record<string, unknown> }));
  return codec.encode('packet', input.format, packetPayload(input, parsed));
}

/**
 * Encodes one packet. When the estimate was short and the payload exceeds `maxBytes`, the
 * caller splits the group (see `splitToFit`): the limit is a contract rule (413 otherwise).
 */
export function encodePacket<T>(input: PacketInput<T>, codec: PayloadCodec): BuiltPacket<T> {
  const payload = payloadOf(input, codec);
  return {
    packetId: input.packetId,
    items: input.items,
    payload,
    payloadSha256: createHash('sha256').update(payload).digest('hex'),
  };
}

/**
 * Encodes `input`, halving its items until each part fits `maxBytes`. Each part after the
 * first takes the next id from `nextId`. A single record that cannot fit is returned alone
 * for the caller to refuse (the national side would answer 413).
 */
export function splitToFit<T>(
  input: PacketInput<T>, codec: PayloadCodec, maxBytes: number, nextId: () => string,
): BuiltPacket<T>[] {
  const built = encodePacket(input, codec);
  if (built.payload.length <= maxBytes || input.items.length <= 1) return [built];
  const half = Math.ceil(input.items.length / 2);
  return [
    ...splitToFit({ ...input, items: input.items.slice(0, half) }, codec, maxBytes, nextId),
    ...splitToFit({ ...input, packetId: nextId(), items: input.items.slice(half) }, codec, maxBytes, nextId),
  ];
}
