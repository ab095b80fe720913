/**
 * A minimal DER reader and writer for the CMS and X.509 structures of the signing profile.
 * Why not node-forge's asn1: verification needs the exact bytes of what was signed (the signed
 * attributes, the certificate's issuer and serial), which a parse-and-re-encode cannot promise,
 * and signing 200 packets must stay fast, so we work on Buffers directly. Pure: no I/O.
 */

export class DerError extends Error {}

/** One decoded TLV: `tag` is the identifier octet, `content` a view into the input. */
export interface Tlv {
  tag: number;
  /** The whole encoding, header included (a view into the input). */
  raw: Buffer;
  content: Buffer;
}

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Context-specific tag number n, constructed (`[n]` EXPLICIT or IMPLICIT over a constructed type). */
export const contextTag = (n: number): number => 0xa0 | n;

/** Reads the TLV starting at `offset`. Definite lengths only (DER, X.690 10.1). */
export function readTlv(input: Buffer, offset = 0): Tlv {
  if (offset + 2 > input.length) throw new DerError('truncated DER header');
  const tag = input[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte tags are not used by this profile');
  let length = input[offset + 1] as number;
  let header = 2;
  if (length === 0x80) throw new DerError('indefinite length is not DER');
  if (length > 0x80) {
    const count = length & 0x7f;
    if (count > 4 || offset + 2 + count > input.length) throw new DerError('bad DER length');
    length = 0;
    for (let i = 0; i < count; i += 1) length = length * 256 + (input[offset + 2 + i] as number);
    header += count;
  }
  const end = offset + header + length;
  if (end > input.length) throw new DerError('DER value runs past the end of its container');
  return { tag, raw: input.subarray(offset, end), content: input.subarray(offset + header, end) };
}

/** Reads exactly one TLV that fills the whole input. */
export function readSingle(input: Buffer, expectedTag?: number): Tlv {
  const tlv = readTlv(input, 0);
  if (tlv.raw.length !== input.length) throw new DerError('trailing bytes after DER value');
  if (expectedTag !== undefined) expectTag(tlv, expectedTag);
  return tlv;
}

/** The children of a constructed TLV, in order. */
export function children(tlv: Tlv): Tlv[] {
  if ((tlv.tag & 0x20) === 0) throw new DerError(`tag 0x${tlv.tag.toString(16)} is not constructed`);
  const out: Tlv[] = [];
  let offset = 0;
  while (offset < tlv.content.length) {
    const child = readTlv(tlv.content, offset);
    out.push(child);
    offset += child.raw.length;
  }
  return out;
}

export function expectTag(tlv: Tlv, tag: number): Tlv {
  if (tlv.tag !== tag) {
    throw new DerError(`expected tag 0x${tag.toString(16)}, found 0x${tlv.tag.toString(16)}`);
  }
  return tlv;
}

/** Child `index` of a constructed TLV, which must exist. */
export function child(tlv: Tlv, index: number, tag?: number): Tlv {
  const found = children(tlv)[index];
  if (found === undefined) throw new DerError(`missing element ${index}`);
  return tag === undefined ? found : expectTag(found, tag);
}

export function decodeOid(tlv: Tlv): string {
  expectTag(tlv, TAG.OID);
  const bytes = tlv.content;
  if (bytes.length === 0) throw new DerError('empty OID');
  const arcs: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = Math.min(2, Math.floor(value / 40));
        arcs.push(first, value - first * 40);
      } else {
        arcs.push(value);
      }
      value = 0;
    }
  }
  return arcs.join('.');
}

/** Decodes UTCTime (RFC 5280 4.1.2.5.1: years 1950-2049) or GeneralizedTime, Zulu only. */
export function decodeTime(tlv: Tlv): Date {
  const text = tlv.content.toString('latin1');
  let match: RegExpExecArray | null;
  let year: number;
  if (tlv.tag === TAG.UTC_TIME && (match = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text))) {
    const yy = Number(match[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (
    tlv.tag === TAG.GENERALIZED_TIME &&
    (match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text))
  ) {
    year = Number(match[1]);
  } else {
    throw new DerError(`unsupported time value "${text}"`);
  }
  const [, , mo, d, h, mi, s] = match.map(Number) as number[];
  return new Date(Date.UTC(year, (mo as number) - 1, d, h, mi, s));
}

// ---- writer -------------------------------------------------------------------------------

function lengthBytes(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function encodeTlv(tag: number, ...contents: Buffer[]): Buffer {
  const content = contents.length === 1 ? (contents[0] as Buffer) : Buffer.concat(contents);
  return Buffer.concat([Buffer.from([tag]), lengthBytes(content.length), content]);
}

export const sequence = (...items: Buffer[]): Buffer => encodeTlv(TAG.SEQUENCE, ...items);

/** SET OF in DER order: elements sorted by their encodings (X.690 11.6). */
export const setOf = (...items: Buffer[]): Buffer =>
  encodeTlv(TAG.SET, ...[...items].sort(Buffer.compare));

export const octetString = (bytes: Buffer): Buffer => encodeTlv(TAG.OCTET_STRING, bytes);

export const nullValue = (): Buffer => Buffer.from([TAG.NULL, 0]);

export const utf8String = (text: string): Buffer => encodeTlv(TAG.UTF8_STRING, Buffer.from(text, 'utf8'));

/** BIT STRING with no unused bits. */
export const bitString = (bytes: Buffer): Buffer => encodeTlv(TAG.BIT_STRING, Buffer.from([0]), bytes);

/** A non-negative INTEGER from its unsigned big-endian magnitude. */
export function unsignedInteger(magnitude: Buffer | number): Buffer {
  let bytes = typeof magnitude === 'number' ? numberBytes(magnitude) : magnitude;
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start += 1;
  bytes = bytes.subarray(start);
  if (bytes.length === 0) bytes = Buffer.from([0]);
  if (((bytes[0] as number) & 0x80) !== 0) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return encodeTlv(TAG.INTEGER, bytes);
}

function numberBytes(value: number): Buffer {
  if (!Number.isSafeInteger(value) || value < 0) throw new DerError(`bad integer ${value}`);
  const bytes: number[] = [];
  for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from(bytes.length === 0 ? [0] : bytes);
}

export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map(Number);
  const [first, second, ...rest] = arcs;
  if (first === undefined || second === undefined) throw new DerError(`bad OID ${dotted}`);
  const bytes: number[] = [];
  for (const arc of [first * 40 + second, ...rest]) {
    const groups: number[] = [arc % 128];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) groups.unshift((v % 128) | 0x80);
    bytes.push(...groups);
  }
  return encodeTlv(TAG.OID, Buffer.from(bytes));
}

/** RFC 5652 11.3 / RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime after. */
export function time(date: Date): Buffer {
  const iso = date.toISOString(); // 2026-05-01T10:20:30.123Z
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  const year = date.getUTCFullYear();
  if (year >= 1950 && year < 2050) return encodeTlv(TAG.UTC_TIME, Buffer.from(`${digits.slice(2)}Z`, 'latin1'));
  return encodeTlv(TAG.GENERALIZED_TIME, Buffer.from(`${digits}Z`, 'latin1'));
}
