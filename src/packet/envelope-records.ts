import type { PayloadCodec, PayloadFormat } from '../encoding/payload-codec.js';
import type { ReturnedRecord } from '../outbox/outbox-types.js';

/**
 * The records inside one of our own stored envelopes ({format, payload, signature}), each
 * with its data as JSON text: what goes back to the queue when the national side fails a
 * packet, since the envelope is where a packed record's bytes are kept. Pure.
 */
export function recordsOfEnvelope(envelope: Buffer, codec: PayloadCodec): ReturnedRecord[] {
  const { format, payload } = JSON.parse(envelope.toString('utf8')) as { format: PayloadFormat; payload: string };
  const packet = codec.decode('packet', format, Buffer.from(payload, 'base64')) as {
    records?: { soDinhDanh: string; approvedAt: string; data: unknown }[];
  };
  return (packet.records ?? []).map((r) => ({ soDinhDanh: r.soDinhDanh, approvedAt: r.approvedAt, recordJson: JSON.stringify(r.data) }));
}
