import { randomUUID, type X509Certificate } from 'node:crypto';
import { MINISTRY_AGENCY_CODE, type NationalContract } from '../contract/national-contract.js';
import { createPacketChecker } from '../contract/packet-checks.js';
import type { Db } from '../db/db.js';
import { createPayloadCodec } from '../encoding/payload-codec.js';
import { isGatewayError, type ErrorDetail } from '../errors.js';
import { verifyEnvelope } from '../signing/envelope-verifier.js';
import { findPacket, insertPacket } from './ledger-store.js';
import type { DecodedPacket, PacketProcessor } from './packet-processor.js';
import { NationalRefusal } from './simulator-errors.js';

/**
 * Receiving a push (contract README, "Push" and "What the national side checks"), in the
 * order a receiver must check: size, envelope shape, signature over the payload bytes before
 * parsing them, certificate chain, validity and signer OU, then the payload against the
 * schemas, recordCount and sender. Only then idempotency by packetId: same bytes answer the
 * first acknowledgement again (200), other bytes 409. A packet refused here stores nothing.
 */
export interface PushLimits {
  maxPayloadBytes: number;
  maxRecords: number;
}

export interface PushCaller {
  consumerCode: string;
  trustAnchors: X509Certificate[];
}

export interface PushAck {
  packetId: string;
  receiptId: string;
  status: 'received';
}

export interface PushAnswer {
  status: 200 | 202;
  body: PushAck;
}

export interface PushServiceOptions {
  db: Db;
  contract: NationalContract;
  processor: PacketProcessor;
  limits: PushLimits;
  now: () => Date;
}

/** Decoded size of a base64 string, without decoding it. */
function base64Size(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return Math.floor((text.length * 3) / 4) - padding;
}

/** The envelope checks' codes as the contract answers them (403 lists no CERT_EXPIRED). */
function refusalOf(err: unknown): NationalRefusal {
  if (!isGatewayError(err)) throw err;
  const details = err.details;
  switch (err.code) {
    case 'BAD_ENVELOPE':
      return new NationalRefusal('BAD_ENVELOPE', err.message, details, err);
    case 'SIGNATURE_INVALID':
      return new NationalRefusal('SIGNATURE_INVALID', err.message, details, err);
    case 'CERT_NOT_TRUSTED':
    case 'CERT_EXPIRED':
      return new NationalRefusal('CERT_NOT_TRUSTED', err.message, details, err);
    case 'SIGNER_MISMATCH':
      return new NationalRefusal('AGENCY_ID_INCORRECT', err.message, details, err);
    default:
      throw err;
  }
}

export function createPushService(options: PushServiceOptions) {
  const { db, contract, processor, limits, now } = options;
  const codec = createPayloadCodec(contract);
  const checkPacket = createPacketChecker(contract);

  /** Decodes and checks a payload whose signature already verified. */
  function decodeAndCheck(format: 'json' | 'xml', payload: Buffer, consumerCode: string): DecodedPacket & { packet: Record<string, unknown> } {
    let packet: unknown;
    try {
      packet = codec.decode('packet', format, payload);
    } catch (err) {
      const message = isGatewayError(err) ? err.message : String(err);
      const details = isGatewayError(err) && err.details.length > 0 ? err.details : [{ path: '', message }];
      throw new NationalRefusal('SCHEMA_INVALID', `the payload cannot be read as a ${format} packet: ${message}`, details, err);
    }
    const check = checkPacket(packet, { consumerCode });
    // The signer OU was already matched to X-Consumer-Code, so a header.sender that differs is
    // a payload inconsistency: 400 SCHEMA_INVALID with the other schema errors (brief G, item 2).
    const errors: ErrorDetail[] = check.packetProblems.map((p) => ({ path: p.path, message: p.message }));
    const header = (packet as { header?: { receiver?: unknown } }).header;
    if (typeof header?.receiver === 'string' && header.receiver !== MINISTRY_AGENCY_CODE) {
      errors.push({ path: '/header/receiver', message: `the packet is addressed to ${header.receiver}, not to the national CSDL ${MINISTRY_AGENCY_CODE}` });
    }
    if (errors.length > 0) throw new NationalRefusal('SCHEMA_INVALID', 'the packet is malformed; nothing of it was stored', errors);
    const records = (packet as { records: unknown[] }).records;
    if (records.length > limits.maxRecords) {
      throw new NationalRefusal('PACKET_TOO_LARGE', `the packet holds ${records.length} records; the limit is ${limits.maxRecords}`);
    }
    return { packet: packet as Record<string, unknown>, records, recordProblems: check.recordProblems };
  }

  async function receive(envelope: unknown, caller: PushCaller): Promise<PushAnswer> {
    const encoded = (envelope as { payload?: unknown } | null)?.payload;
    if (typeof encoded === 'string' && base64Size(encoded) > limits.maxPayloadBytes) {
      throw new NationalRefusal('PACKET_TOO_LARGE', `the payload is larger than ${limits.maxPayloadBytes} bytes`);
    }
    let verified;
    try {
      verified = verifyEnvelope(envelope, { trustAnchors: caller.trustAnchors, expectedSigner: caller.consumerCode, now: now() });
    } catch (err) {
      throw refusalOf(err);
    }
    const decoded = decodeAndCheck(verified.format, verified.payload, caller.consumerCode);
    const packetId = String((decoded.packet.header as { packetId: string }).packetId);
    // The verifier already hashed the payload and decoded the signature: a 2 MB packet is not
    // hashed or base64-decoded a second time on the hot path.
    const { payloadSha256 } = verified;
    const receiptId = randomUUID();
    const inserted = await insertPacket(db, {
      packetId,
      receiptId,
      sender: caller.consumerCode,
      format: verified.format,
      payload: verified.payload,
      payloadSha256,
      signature: verified.signature,
      recordCount: decoded.records.length,
      receivedAt: now(),
    });
    if (inserted) {
      processor.schedule(packetId, { records: decoded.records, recordProblems: decoded.recordProblems });
      return { status: 202, body: { packetId, receiptId, status: 'received' } };
    }
    const first = await findPacket(db, packetId);
    if (first && first.sender === caller.consumerCode && first.payloadSha256 === payloadSha256) {
      return { status: 200, body: { packetId, receiptId: first.receiptId, status: 'received' } };
    }
    throw new NationalRefusal('PACKET_CONFLICT', `packet ${packetId} was already received with other payload bytes`);
  }

  /** For the processor after a restart: the stored payload decoded and checked again. */
  function reload(format: 'json' | 'xml', payload: Buffer, sender: string): DecodedPacket {
    const { records, recordProblems } = decodeAndCheck(format, payload, sender);
    return { records, recordProblems };
  }

  return { receive, reload };
}

export type PushService = ReturnType<typeof createPushService>;
