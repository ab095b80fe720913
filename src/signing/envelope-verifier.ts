import { createHash, timingSafeEqual, verify, X509Certificate } from 'node:crypto';
import type { ErrorDetail } from '../errors.js';
import { issuerAndSerial, subjectKeyIdentifier, summarizeCertificate } from './certificate-info.js';
import type { EnvelopeFormat } from './cms-signer.js';
import { parseSignedData, type ParsedSignedData, type SignerIdentifier } from './cms-parser.js';
import { decodeOid, decodeTime, TAG } from './der.js';
import { OID } from './oids.js';
import { EnvelopeError } from './signing-errors.js';
import { MIN_RSA_BITS } from './signing-identity.js';
import { buildPath } from './trust-anchors.js';

/**
 * Verifies an incoming envelope as the contract's receiver must ("The signed envelope"): shape,
 * strict base64, the signature over exactly the decoded payload bytes, a path to a trust
 * anchor, validity at signingTime, and the signer's OU. The payload is returned as bytes and
 * nothing of it is parsed here: the caller parses only what this function returned.
 */
export interface VerifiedEnvelope {
  format: EnvelopeFormat;
  payload: Buffer;
  /** SHA-256 of the payload bytes, hex: the digest the signature was checked against. */
  payloadSha256: string;
  /** The decoded DER CMS SignedData, so a receiver that stores it need not decode it again. */
  signature: Buffer;
  signingTime: Date;
  signer: { subject: string; ou: string; fingerprint: string };
}

export interface VerifyOptions {
  trustAnchors: X509Certificate[];
  /** Agency code the signer's OU must hold (`000.00.00.G09` for national records). */
  expectedSigner: string;
  now?: Date;
  /** How far signingTime may lie ahead of `now` (clock skew); default 5 minutes. */
  maxClockSkewMs?: number;
}

const ENVELOPE_KEYS = ['format', 'payload', 'signature'];

const bad = (message: string, details: ErrorDetail[] = []): EnvelopeError =>
  new EnvelopeError('BAD_ENVELOPE', message, { details });

/**
 * RFC 4648 base64, canonical: the alphabet, padding, and zero pad bits. Node's decoder skips
 * what it does not know (whitespace, base64url's '-' and '_', a missing '='), so the value is
 * canonical exactly when re-encoding the bytes gives it back; a regex over a 2 MB payload
 * cost the simulator a third of its CPU.
 */
function decodeBase64(value: unknown, path: string): Buffer {
  if (typeof value !== 'string' || value.length < 4) {
    throw bad(`${path} must be a base64 string`, [{ path, message: 'not a base64 string of at least 4 characters' }]);
  }
  const bytes = Buffer.from(value, 'base64');
  if (bytes.toString('base64') !== value) {
    throw bad(`${path} is not valid base64`, [{ path, message: 'not canonical RFC 4648 base64' }]);
  }
  return bytes;
}

function readShape(envelope: unknown): { format: EnvelopeFormat; payload: Buffer; signature: Buffer } {
  if (typeof envelope !== 'object' || envelope === null || Array.isArray(envelope)) {
    throw bad('the envelope must be a JSON object with format, payload and signature');
  }
  const record = envelope as Record<string, unknown>;
  const details: ErrorDetail[] = [];
  for (const key of ENVELOPE_KEYS) if (!(key in record)) details.push({ path: `/${key}`, message: 'is required' });
  for (const key of Object.keys(record)) {
    if (!ENVELOPE_KEYS.includes(key)) details.push({ path: `/${key}`, message: 'is not allowed' });
  }
  if ('format' in record && record.format !== 'json' && record.format !== 'xml') {
    details.push({ path: '/format', message: 'must be "json" or "xml"' });
  }
  if (details.length > 0) {
    const summary = details.map((d) => `${d.path} ${d.message}`).join('; ');
    throw bad(`the envelope does not have the contract's shape: ${summary}`, details);
  }
  return {
    format: record.format as EnvelopeFormat,
    payload: decodeBase64(record.payload, '/payload'),
    signature: decodeBase64(record.signature, '/signature'),
  };
}

function findSignerCertificate(sid: SignerIdentifier, certificates: X509Certificate[]): X509Certificate {
  const found = certificates.find((cert) => {
    if ('subjectKeyIdentifier' in sid) return subjectKeyIdentifier(cert.raw)?.equals(sid.subjectKeyIdentifier) ?? false;
    const own = issuerAndSerial(cert.raw);
    return own.issuer.equals(sid.issuer) && own.serial.equals(sid.serial);
  });
  if (found === undefined) throw bad('the signature does not carry the signer certificate, as the contract requires');
  return found;
}

function singleAttribute(parsed: ParsedSignedData, type: string, name: string, tag?: number) {
  const values = parsed.signer.attributes.get(type);
  const value = values?.[0];
  if (values?.length !== 1 || value === undefined || (tag !== undefined && value.tag !== tag)) {
    throw bad(`the signature lacks a single ${name} signed attribute, which the contract requires`);
  }
  return value;
}

/** Checks the signature over the payload and returns the payload's SHA-256 it computed. */
function checkSignature(parsed: ParsedSignedData, payload: Buffer, signer: X509Certificate): Buffer {
  const { signer: info } = parsed;
  if (info.digestAlgorithm !== OID.sha256) {
    throw new EnvelopeError(
      'SIGNATURE_INVALID',
      `the signature uses digest ${info.digestAlgorithm}; the contract requires SHA-256`,
    );
  }
  if (info.signatureAlgorithm !== OID.rsaEncryption && info.signatureAlgorithm !== OID.sha256WithRSAEncryption) {
    throw new EnvelopeError('SIGNATURE_INVALID', `the signature algorithm ${info.signatureAlgorithm} is not RSA PKCS#1 v1.5`);
  }
  const bits = signer.publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (signer.publicKey.asymmetricKeyType !== 'rsa' || bits < MIN_RSA_BITS) {
    throw new EnvelopeError('SIGNATURE_INVALID', `the signer key is not RSA of at least ${MIN_RSA_BITS} bits`);
  }
  const contentType = decodeOid(singleAttribute(parsed, OID.contentType, 'contentType', TAG.OID));
  if (contentType !== OID.data || parsed.encapContentType !== OID.data) {
    throw bad('the signed content type is not id-data');
  }
  const digest = singleAttribute(parsed, OID.messageDigest, 'messageDigest', TAG.OCTET_STRING).content;
  const actual = createHash('sha256').update(payload).digest();
  if (digest.length !== actual.length || !timingSafeEqual(digest, actual)) {
    throw new EnvelopeError(
      'SIGNATURE_INVALID',
      'the payload bytes do not match the signed digest (payload changed after signing)',
    );
  }
  if (!verify('sha256', info.signedAttributes as Buffer, signer.publicKey, info.signature)) {
    throw new EnvelopeError('SIGNATURE_INVALID', 'the RSA signature over the signed attributes does not verify');
  }
  return actual;
}

function checkValidity(path: X509Certificate[], signingTime: Date): void {
  for (const cert of path) {
    const { notBefore, notAfter, subject } = summarizeCertificate(cert);
    if (signingTime < notBefore || signingTime > notAfter) {
      throw new EnvelopeError(
        'CERT_EXPIRED',
        `certificate ${subject} (valid ${notBefore.toISOString()} to ${notAfter.toISOString()}) ` +
          `was not valid at signingTime ${signingTime.toISOString()}`,
      );
    }
  }
}

export function verifyEnvelope(envelope: unknown, options: VerifyOptions): VerifiedEnvelope {
  const { format, payload, signature } = readShape(envelope);
  let parsed: ParsedSignedData;
  let certificates: X509Certificate[];
  try {
    parsed = parseSignedData(signature);
    certificates = parsed.certificates.map((der) => new X509Certificate(der));
  } catch (err) {
    const why = (err as Error).message;
    throw new EnvelopeError('BAD_ENVELOPE', `the signature is not a DER CMS SignedData: ${why}`, { cause: err });
  }
  if (parsed.hasContent) throw bad('the signature encapsulates its content; the contract requires a detached signature');
  if (parsed.signer.signedAttributes === undefined) throw bad('the signature has no signed attributes');
  const signer = findSignerCertificate(parsed.signer.sid, certificates);
  let signingTime: Date;
  try {
    signingTime = decodeTime(singleAttribute(parsed, OID.signingTime, 'signingTime'));
  } catch (err) {
    throw err instanceof EnvelopeError ? err : bad(`the signingTime attribute cannot be read: ${(err as Error).message}`);
  }

  const payloadDigest = checkSignature(parsed, payload, signer);

  const now = options.now ?? new Date();
  if (signingTime.getTime() > now.getTime() + (options.maxClockSkewMs ?? 300_000)) {
    throw new EnvelopeError('SIGNATURE_INVALID', `signingTime ${signingTime.toISOString()} lies in the future`);
  }
  const summary = summarizeCertificate(signer);
  const path = buildPath(signer, certificates.filter((c) => c !== signer), options.trustAnchors);
  if (path === undefined) {
    throw new EnvelopeError(
      'CERT_NOT_TRUSTED',
      `the signer certificate ${summary.subject} does not chain to a configured trust anchor`,
    );
  }
  checkValidity(path, signingTime);
  if (!summary.ous.includes(options.expectedSigner)) {
    const found = summary.ous.length === 0 ? 'no OU' : `OU ${summary.ous.join(', ')}`;
    throw new EnvelopeError(
      'SIGNER_MISMATCH',
      `the envelope is signed by ${summary.subject} (${found}), not by the expected agency ${options.expectedSigner}`,
    );
  }
  return {
    format,
    payload,
    payloadSha256: payloadDigest.toString('hex'),
    signature,
    signingTime,
    signer: { subject: summary.subject, ou: options.expectedSigner, fingerprint: summary.fingerprint },
  };
}
