import { nationalContract, type NationalContract } from '../contract/national-contract.js';
import { EncodingError } from './encoding-error.js';
import { shapeOfSchema, type Shape } from './schema-shape.js';
import { readXml } from './xml-reader.js';
import { writeXml } from './xml-writer.js';

/**
 * The payload bytes of an envelope (contract README, "The signed envelope"): a packet or one
 * official's record, as UTF-8 JSON (`JSON.stringify`, no indentation) or as XML per
 * xml-encoding.md. Decoding does not validate against the schema; the caller does that next.
 */
export type PayloadKind = 'packet' | 'record';
export type PayloadFormat = 'json' | 'xml';

/** Root element of each kind (xml-encoding.md). */
const XML_ROOT: Readonly<Record<PayloadKind, string>> = { packet: 'goiTin', record: 'hoSo' };

export interface PayloadCodec {
  encode(kind: PayloadKind, format: PayloadFormat, value: unknown): Buffer;
  decode(kind: PayloadKind, format: PayloadFormat, bytes: Buffer): unknown;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function utf8Text(bytes: Buffer, code: 'encoding.json_invalid' | 'encoding.xml_invalid'): string {
  try {
    return utf8.decode(bytes);
  } catch (cause) {
    throw new EncodingError(code, 'payload is not valid UTF-8', { cause });
  }
}

function unknownFormat(format: unknown): EncodingError {
  return new EncodingError('encoding.format_unknown', `payload format ${JSON.stringify(format)}: expected json or xml`);
}

function encodeJson(value: unknown): Buffer {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (cause) {
    throw new EncodingError('encoding.value_invalid', `value cannot be written as JSON: ${(cause as Error).message}`, { cause });
  }
  if (text === undefined) throw new EncodingError('encoding.value_invalid', 'value cannot be written as JSON');
  return Buffer.from(text, 'utf8');
}

function decodeJson(bytes: Buffer): unknown {
  const text = utf8Text(bytes, 'encoding.json_invalid');
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new EncodingError('encoding.json_invalid', `payload is not JSON: ${(cause as Error).message}`, { cause });
  }
}

const codecs = new WeakMap<NationalContract, PayloadCodec>();

export function createPayloadCodec(contract: NationalContract): PayloadCodec {
  const known = codecs.get(contract);
  if (known) return known;
  const shapes: Record<PayloadKind, Shape> = {
    packet: shapeOfSchema(contract.schemas.packet, contract),
    record: shapeOfSchema(contract.schemas.official, contract),
  };
  const codec: PayloadCodec = {
    encode(kind, format, value) {
      if (format === 'json') return encodeJson(value);
      if (format === 'xml') return Buffer.from(writeXml(XML_ROOT[kind], shapes[kind], value), 'utf8');
      throw unknownFormat(format);
    },
    decode(kind, format, bytes) {
      if (format === 'json') return decodeJson(bytes);
      if (format === 'xml') return readXml(XML_ROOT[kind], shapes[kind], utf8Text(bytes, 'encoding.xml_invalid'));
      throw unknownFormat(format);
    },
  };
  codecs.set(contract, codec);
  return codec;
}

export function encodePayload(kind: PayloadKind, format: PayloadFormat, value: unknown, contract: NationalContract = nationalContract()): Buffer {
  return createPayloadCodec(contract).encode(kind, format, value);
}

export function decodePayload(kind: PayloadKind, format: PayloadFormat, bytes: Buffer, contract: NationalContract = nationalContract()): unknown {
  return createPayloadCodec(contract).decode(kind, format, bytes);
}
