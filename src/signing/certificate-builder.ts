import { createHash, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import {
  bitString,
  contextTag,
  encodeTlv,
  nullValue,
  octetString,
  oid,
  sequence,
  setOf,
  TAG,
  time,
  unsignedInteger,
  utf8String,
} from './der.js';
import { subjectName } from './certificate-info.js';
import { OID } from './oids.js';
import { SigningError } from './signing-errors.js';

/**
 * Issues X.509 v3 certificates (RFC 5280) signed with sha256WithRSAEncryption by node:crypto.
 * Used by the development PKI and by tests that need odd certificates (expired, short key,
 * wrong OU); production identities come from the Ministry's CA, never from here.
 */
export interface DistinguishedName {
  country?: string;
  organization?: string;
  organizationalUnit?: string;
  commonName: string;
}

export interface CertificateRequest {
  subject: DistinguishedName;
  publicKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  /** A CA certificate (basicConstraints cA, keyCertSign) or a signing leaf (digitalSignature, nonRepudiation). */
  isCa: boolean;
  /** Absent for a self-signed certificate. */
  issuer?: { certificate: X509Certificate; privateKey: KeyObject };
  /** Private key of a self-signed certificate (required when there is no issuer). */
  selfSigningKey?: KeyObject;
}

function attribute(type: string, value: Buffer): Buffer {
  return setOf(sequence(oid(type), value));
}

/** Encodes a Name; C is a PrintableString (RFC 5280 appendix A), the rest UTF8String. */
export function encodeName(name: DistinguishedName): Buffer {
  const rdns: Buffer[] = [];
  if (name.country !== undefined) {
    rdns.push(attribute(OID.countryName, encodeTlv(TAG.PRINTABLE_STRING, Buffer.from(name.country, 'latin1'))));
  }
  if (name.organization !== undefined) rdns.push(attribute(OID.organizationName, utf8String(name.organization)));
  if (name.organizationalUnit !== undefined) {
    rdns.push(attribute(OID.organizationalUnitName, utf8String(name.organizationalUnit)));
  }
  rdns.push(attribute(OID.commonName, utf8String(name.commonName)));
  return sequence(...rdns);
}

function extension(type: string, critical: boolean, value: Buffer): Buffer {
  const flag = critical ? [encodeTlv(0x01, Buffer.from([0xff]))] : [];
  return sequence(oid(type), ...flag, octetString(value));
}

function keyIdentifier(spki: Buffer): Buffer {
  // RFC 5280 4.2.1.2 method (1) would hash the key bits only; any stable unique value is allowed.
  return createHash('sha1').update(spki).digest();
}

function extensions(request: CertificateRequest, spki: Buffer, issuerSpki: Buffer): Buffer {
  // keyUsage bits: digitalSignature(0) nonRepudiation(1) | keyCertSign(5) cRLSign(6).
  const keyUsage = request.isCa
    ? encodeTlv(TAG.BIT_STRING, Buffer.from([0x01, 0x06]))
    : encodeTlv(TAG.BIT_STRING, Buffer.from([0x06, 0xc0]));
  const basic = request.isCa ? sequence(encodeTlv(0x01, Buffer.from([0xff]))) : sequence();
  return encodeTlv(
    contextTag(3),
    sequence(
      extension(OID.basicConstraints, true, basic),
      extension(OID.keyUsage, true, keyUsage),
      extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(spki))),
      extension(OID.authorityKeyIdentifier, false, sequence(encodeTlv(0x80, keyIdentifier(issuerSpki)))),
    ),
  );
}

/** Issues a certificate and returns it parsed (node:crypto) with its DER. */
export function issueCertificate(request: CertificateRequest): X509Certificate {
  const spki = request.publicKey.export({ type: 'spki', format: 'der' });
  const signingKey = request.issuer?.privateKey ?? request.selfSigningKey;
  if (signingKey === undefined) throw new SigningError('signing.bad_argument', 'issueCertificate: a self-signed certificate needs selfSigningKey');
  const issuerName = request.issuer ? subjectName(request.issuer.certificate.raw) : encodeName(request.subject);
  const issuerSpki = request.issuer
    ? request.issuer.certificate.publicKey.export({ type: 'spki', format: 'der' })
    : spki;
  const algorithm = sequence(oid(OID.sha256WithRSAEncryption), nullValue());
  // A positive 16-byte serial (RFC 5280 4.1.2.2: at most 20 octets, unique per issuer).
  const serial = randomBytes(16);
  serial[0] = ((serial[0] as number) & 0x7f) | 0x01;
  const tbs = sequence(
    encodeTlv(contextTag(0), unsignedInteger(2)),
    unsignedInteger(serial),
    algorithm,
    issuerName,
    sequence(time(request.notBefore), time(request.notAfter)),
    encodeName(request.subject),
    spki,
    extensions(request, spki, issuerSpki),
  );
  const signature = sign('sha256', tbs, signingKey);
  return new X509Certificate(sequence(tbs, algorithm, bitString(signature)));
}
