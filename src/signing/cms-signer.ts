import { createHash } from 'node:crypto';
import { issuerAndSerial } from './certificate-info.js';
import { contextTag, encodeTlv, nullValue, octetString, oid, sequence, setOf, time, unsignedInteger } from './der.js';
import type { KeyRing } from './key-ring.js';
import { OID } from './oids.js';
import { SigningError } from './signing-errors.js';
import type { SigningIdentity } from './signing-identity.js';

/**
 * Detached CMS SignedData (RFC 5652) as the contract's envelope requires ("The signed
 * envelope"): SHA-256, RSA PKCS#1 v1.5, signed attributes contentType, signingTime and
 * messageDigest, the signer's certificate included (with the chain that came with the key),
 * no encapsulated content. The structure is written with our DER writer; the digest and the
 * RSA signature come from node:crypto (forge's JavaScript RSA takes ~47 ms per signature against
 * ~0.4 ms), or from a PKCS#11 token that holds the key (signature-key.ts).
 */
export type EnvelopeFormat = 'json' | 'xml';

/** The contract's envelope (contract/national/schemas/envelope.schema.json). */
export interface Envelope {
  format: EnvelopeFormat;
  payload: string;
  signature: string;
}

export interface CmsSigner {
  /** DER ContentInfo(SignedData) over exactly `payload`. */
  sign(payload: Buffer, signingTime?: Date): Buffer;
  /** The identity that signs at `at` (for logs and audit). */
  identity(at?: Date): SigningIdentity;
  /**
   * Present on a signer whose key is read on first need (compose/deferred-signer.ts): resolves
   * once `sign` and `identity` can be called, and rejects with the key's own refusal. A caller
   * that may be the first to sign awaits it (sync-pack.ts).
   */
  ready?(): Promise<void>;
}

interface Prepared {
  certificates: Buffer;
  signerId: Buffer;
}

// sha256 AlgorithmIdentifier with parameters absent (RFC 5754 2: "SHOULD be omitted").
const SHA256_ALGORITHM = sequence(oid(OID.sha256));
const RSA_ALGORITHM = sequence(oid(OID.rsaEncryption), nullValue());
const CONTENT_TYPE_ATTRIBUTE = sequence(oid(OID.contentType), setOf(oid(OID.data)));
const VERSION_1 = unsignedInteger(1);

const prepared = new WeakMap<SigningIdentity, Prepared>();

function prepare(identity: SigningIdentity): Prepared {
  let found = prepared.get(identity);
  if (found === undefined) {
    if (identity.certificate.publicKey.asymmetricKeyType !== 'rsa') {
      throw new SigningError('signing.key_unsupported', 'the contract requires an RSA key with PKCS#1 v1.5 signatures');
    }
    const { issuer, serial } = issuerAndSerial(identity.certificate.raw);
    // The signer's certificate, then the chain that came with the key (contract: optional),
    // as the content of the [0] IMPLICIT SET OF CertificateChoices.
    const certificates = Buffer.concat([identity.certificate.raw, ...identity.chain.map((c) => c.raw)]);
    found = { certificates, signerId: sequence(issuer, serial) };
    prepared.set(identity, found);
  }
  return found;
}

export function signDetached(payload: Buffer, identity: SigningIdentity, signingTime: Date = new Date()): Buffer {
  const { certificates, signerId } = prepare(identity);
  const digest = createHash('sha256').update(payload).digest();
  // The signature covers the DER SET OF the attributes (RFC 5652 5.4): tag 0x31, DER order.
  const signedAttributes = setOf(
    CONTENT_TYPE_ATTRIBUTE,
    sequence(oid(OID.signingTime), setOf(time(signingTime))),
    sequence(oid(OID.messageDigest), setOf(octetString(digest))),
  );
  // The key's one operation; a file key and a token key give the same PKCS#1 v1.5 bytes.
  const signature = identity.key.signSha256(signedAttributes);
  // In SignerInfo the same bytes travel as [0] IMPLICIT.
  const implicitAttributes = Buffer.from(signedAttributes);
  implicitAttributes[0] = contextTag(0);
  const signerInfo = sequence(VERSION_1, signerId, SHA256_ALGORITHM, implicitAttributes, RSA_ALGORITHM, octetString(signature));
  const signedData = sequence(
    VERSION_1,
    setOf(SHA256_ALGORITHM),
    sequence(oid(OID.data)), // detached: eContent absent
    encodeTlv(contextTag(0), certificates),
    setOf(signerInfo),
  );
  return sequence(oid(OID.signedData), encodeTlv(contextTag(0), signedData));
}

/** A signer over one identity, or over a key ring that picks the newest valid identity each time. */
export function createCmsSigner(source: SigningIdentity | KeyRing, clock: () => Date = () => new Date()): CmsSigner {
  const identity = (at: Date = clock()): SigningIdentity => ('current' in source ? source.current(at) : source);
  return {
    identity,
    sign(payload, signingTime = clock()) {
      return signDetached(payload, identity(signingTime), signingTime);
    },
  };
}

export function buildEnvelope(format: EnvelopeFormat, payload: Buffer, signer: Pick<CmsSigner, 'sign'>): Envelope {
  return { format, payload: payload.toString('base64'), signature: signer.sign(payload).toString('base64') };
}

/** 48 KiB of payload, 64 KiB of base64 text: a young object, dead at once. */
const BASE64_SLICE = 3 * 16 * 1024;

/**
 * The signed envelope as the bytes that are stored and posted: exactly what
 * `JSON.stringify(buildEnvelope(...))` writes, without JSON.stringify scanning megabytes of
 * base64 for characters to escape (base64 and the two formats have none). A 1.2 MB packet
 * took 4.9 ms that way, 0.6 ms this way.
 */
export function envelopeBytes(format: EnvelopeFormat, payload: Buffer, signer: Pick<CmsSigner, 'sign'>): Buffer {
  const signature = signer.sign(payload).toString('base64');
  const head = `{"format":${JSON.stringify(format)},"payload":"`;
  const tail = `","signature":"${signature}"}`;
  // Written in place into one buffer: a packet's payload is megabytes, and joining parts
  // copied the base64 text once more (a few percent of a first sync's main thread). Encoded a
  // slice at a time (a multiple of 3 bytes: no padding inside, the same text): the whole
  // payload as one base64 string was a megabyte-sized object in the old generation per packet.
  const encoded = Math.ceil(payload.length / 3) * 4;
  const envelope = Buffer.allocUnsafe(head.length + encoded + tail.length);
  let at = envelope.write(head, 0, 'latin1');
  for (let from = 0; from < payload.length; from += BASE64_SLICE) {
    at += envelope.write(payload.subarray(from, from + BASE64_SLICE).toString('base64'), at, 'latin1');
  }
  envelope.write(tail, at, 'latin1');
  return envelope;
}
