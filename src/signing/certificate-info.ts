import type { X509Certificate } from 'node:crypto';
import { child, children, decodeOid, readSingle, TAG, type Tlv } from './der.js';
import { OID } from './oids.js';
import { SigningError } from './signing-errors.js';

/**
 * What the gateway needs to know about a certificate beyond node:crypto's X509Certificate:
 * the subject's OU values (the contract puts the agency code in OID 2.5.4.11) and the raw
 * issuer and serial number a CMS SignerInfo names its certificate by (RFC 5652 5.3).
 */
export interface CertificateSummary {
  subject: string;
  /** Every organizationalUnitName of the subject, in order. */
  ous: string[];
  notBefore: Date;
  notAfter: Date;
  /** SHA-256 of the DER certificate, colon-separated hex as OpenSSL prints it. */
  fingerprint: string;
  /** Modulus length for RSA keys, undefined for others. */
  keyBits: number | undefined;
}

export interface NameAttribute {
  oid: string;
  value: string;
}

const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber',
  '1.2.840.113549.1.9.1': 'emailAddress',
  '0.9.2342.19200300.100.1.1': 'UID',
};

/** The TBSCertificate fields by position, skipping the optional [0] version. */
function tbsFields(certDer: Buffer): Tlv[] {
  const tbs = child(readSingle(certDer, TAG.SEQUENCE), 0, TAG.SEQUENCE);
  const fields = children(tbs);
  return fields[0]?.tag === 0xa0 ? fields.slice(1) : fields;
}

/** Raw DER of the issuer Name and the serialNumber INTEGER, as IssuerAndSerialNumber wants them. */
export function issuerAndSerial(certDer: Buffer): { issuer: Buffer; serial: Buffer } {
  const [serial, , issuer] = tbsFields(certDer);
  if (serial?.tag !== TAG.INTEGER || issuer?.tag !== TAG.SEQUENCE) {
    throw new SigningError('signing.cert_malformed', 'certificate has no serial number or issuer');
  }
  return { issuer: Buffer.from(issuer.raw), serial: Buffer.from(serial.raw) };
}

function decodeString(tlv: Tlv): string {
  switch (tlv.tag) {
    case TAG.UTF8_STRING:
      return tlv.content.toString('utf8');
    case TAG.BMP_STRING: {
      const swapped = Buffer.from(tlv.content);
      return swapped.swap16().toString('utf16le');
    }
    default:
      // PrintableString, IA5String, TeletexString (read as Latin-1, its common use).
      return tlv.content.toString('latin1');
  }
}

/** The attributes of a DER Name (SEQUENCE OF SET OF AttributeTypeAndValue), in order. */
export function nameAttributes(nameDer: Buffer): NameAttribute[] {
  const out: NameAttribute[] = [];
  for (const rdn of children(readSingle(nameDer, TAG.SEQUENCE))) {
    for (const atv of children(rdn)) {
      out.push({ oid: decodeOid(child(atv, 0)), value: decodeString(child(atv, 1)) });
    }
  }
  return out;
}

/** Raw DER of the subject Name, e.g. to name it as the issuer of the certificates it signs. */
export function subjectName(certDer: Buffer): Buffer {
  const subject = tbsFields(certDer)[4];
  if (subject?.tag !== TAG.SEQUENCE) throw new SigningError('signing.cert_malformed', 'certificate has no subject');
  return Buffer.from(subject.raw);
}

export function subjectAttributes(certDer: Buffer): NameAttribute[] {
  return nameAttributes(subjectName(certDer));
}

export function formatName(attributes: NameAttribute[]): string {
  return attributes.map((a) => `${SHORT_NAMES[a.oid] ?? a.oid}=${a.value}`).join(', ');
}

export function summarizeCertificate(cert: X509Certificate): CertificateSummary {
  const attributes = subjectAttributes(cert.raw);
  const details = cert.publicKey.asymmetricKeyDetails;
  return {
    subject: formatName(attributes),
    ous: attributes.filter((a) => a.oid === OID.organizationalUnitName).map((a) => a.value),
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
    fingerprint: cert.fingerprint256,
    keyBits: cert.publicKey.asymmetricKeyType === 'rsa' ? details?.modulusLength : undefined,
  };
}

/** The subjectKeyIdentifier extension's key id (RFC 5280 4.2.1.2), when present. */
export function subjectKeyIdentifier(certDer: Buffer): Buffer | undefined {
  const extensionsField = tbsFields(certDer).find((field) => field.tag === 0xa3);
  if (extensionsField === undefined) return undefined;
  for (const extension of children(child(extensionsField, 0, TAG.SEQUENCE))) {
    const parts = children(extension);
    if (parts[0] === undefined || decodeOid(parts[0]) !== OID.subjectKeyIdentifier) continue;
    const value = parts[parts.length - 1];
    if (value?.tag !== TAG.OCTET_STRING) return undefined;
    return Buffer.from(readSingle(value.content, TAG.OCTET_STRING).content);
  }
  return undefined;
}
