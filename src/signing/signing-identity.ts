import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { summarizeCertificate, type CertificateSummary } from './certificate-info.js';
import { readPkcs12 } from './pkcs12-reader.js';
import { fileSignatureKey, type SignatureKey } from './signature-key.js';
import { SigningError } from './signing-errors.js';

/**
 * A signing identity: the private key the Ministry issued to the province and its certificate.
 * Built from bytes (no file access here, see key-store.ts), then checked against the
 * contract's profile (contract README, "The signed envelope": RSA of at least 2048 bits, the
 * sender's agency code in the subject OU) and against the clock.
 */
export interface SigningIdentity {
  /** Signs; the only way the envelope code reaches the private key, wherever it lives. */
  key: SignatureKey;
  /** The private key itself when it was read from a file; absent for a key on a token. */
  privateKey?: KeyObject;
  certificate: X509Certificate;
  /** Other certificates that came with the key (its chain); carried for information only. */
  chain: X509Certificate[];
  summary: CertificateSummary;
  /** Where it came from, for messages ("certs/dev/province.p12"). */
  source: string;
}

export interface IdentityCheck {
  daysUntilExpiry: number;
  /** True when the certificate expires within 30 days (issue 4: warn in the log and /readyz). */
  expiresSoon: boolean;
}

export const MIN_RSA_BITS = 2048;
export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

type Validity = Pick<CertificateSummary, 'notBefore' | 'notAfter'>;

/** Whether `at` lies within the certificate's validity, both ends included (RFC 5280 4.1.2.5). */
export function isValidAt(validity: Validity, at: Date): boolean {
  return validity.notBefore.getTime() <= at.getTime() && at.getTime() <= validity.notAfter.getTime();
}

/** Whole days from `at` to notAfter, rounded down (negative once expired). */
export function daysUntilExpiry(validity: Validity, at: Date): number {
  return Math.floor((validity.notAfter.getTime() - at.getTime()) / DAY_MS);
}

function pickCertificate(key: KeyObject, certificates: X509Certificate[], source: string): SigningIdentity {
  if (certificates.length === 0) {
    throw new SigningError('signing.cert_missing', `${source} holds no certificate`);
  }
  const certificate = certificates.find((c) => c.checkPrivateKey(key));
  if (certificate === undefined) {
    const subjects = certificates.map((c) => summarizeCertificate(c).subject).join('; ');
    throw new SigningError(
      'signing.key_mismatch',
      `the private key in ${source} does not match its certificate (${subjects})`,
    );
  }
  return {
    key: fileSignatureKey(key, source),
    privateKey: key,
    certificate,
    chain: certificates.filter((c) => c !== certificate),
    summary: summarizeCertificate(certificate),
    source,
  };
}

export function identityFromPkcs12(file: Buffer, passphrase: string, source = 'the PKCS#12 file'): SigningIdentity {
  const contents = readPkcs12(file, passphrase);
  const key = contents.privateKeys[0];
  if (key === undefined) throw new SigningError('signing.key_missing', `${source} holds no private key`);
  if (contents.privateKeys.length > 1) {
    throw new SigningError('signing.unsupported_format', `${source} holds several private keys; keep one per file`);
  }
  return pickCertificate(key, contents.certificates, source);
}

/** Every certificate of a PEM bundle, in order. */
export function certificatesFromPem(pem: string, source: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block, index) => {
    try {
      return new X509Certificate(block);
    } catch (err) {
      throw new SigningError('signing.file_unreadable', `certificate ${index + 1} in ${source} cannot be parsed`, {
        cause: err,
      });
    }
  });
}

/** A PEM private key (PKCS#8, encrypted or not, or traditional RSA) and a PEM certificate (chain). */
export function identityFromPem(
  keyPem: string,
  certPem: string,
  passphrase: string | undefined,
  source = 'the PEM files',
): SigningIdentity {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: keyPem, format: 'pem', ...(passphrase === undefined ? {} : { passphrase }) });
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (/BAD_DECRYPT|MISSING_PASSPHRASE|INTERRUPTED_OR_CANCELLED/.test(code) || /bad decrypt|passphrase/i.test(String(err))) {
      throw new SigningError(
        'signing.bad_passphrase',
        `cannot decrypt the private key of ${source}: wrong or missing passphrase`,
        { cause: err },
      );
    }
    throw new SigningError('signing.file_unreadable', `the private key of ${source} is not a readable PEM key`, {
      cause: err,
    });
  }
  return pickCertificate(key, certificatesFromPem(certPem, source), source);
}

/**
 * Refuses an identity the contract or the clock rules out; returns the days left so the
 * caller can warn. The key/certificate match is checked again in case the identity was
 * assembled by hand.
 */
export function checkIdentity(identity: SigningIdentity, expected: { senderCode: string; now: Date }): IdentityCheck {
  const { summary, source } = identity;
  const label = `the certificate of ${source} (${summary.subject})`;
  // A token's key cannot be read out: its match was proven at load by a signature the
  // certificate verifies (token-identity.ts).
  if (identity.privateKey !== undefined && !identity.certificate.checkPrivateKey(identity.privateKey)) {
    throw new SigningError('signing.key_mismatch', `the private key of ${source} does not match ${label}`);
  }
  const keyType = identity.certificate.publicKey.asymmetricKeyType;
  if (keyType !== 'rsa') {
    throw new SigningError('signing.key_unsupported', `${label} holds a ${keyType ?? 'unknown'} key; the contract requires RSA`);
  }
  const bits = summary.keyBits ?? 0;
  if (bits < MIN_RSA_BITS) {
    throw new SigningError(
      'signing.key_too_short',
      `${label} holds a ${bits}-bit RSA key; the contract requires at least ${MIN_RSA_BITS} bits`,
    );
  }
  const now = expected.now.getTime();
  if (now < summary.notBefore.getTime()) {
    throw new SigningError(
      'signing.cert_not_yet_valid',
      `${label} is not valid before ${summary.notBefore.toISOString()}`,
    );
  }
  if (now > summary.notAfter.getTime()) {
    throw new SigningError('signing.cert_expired', `${label} expired on ${summary.notAfter.toISOString()}`);
  }
  if (!summary.ous.includes(expected.senderCode)) {
    const found = summary.ous.length === 0 ? 'no OU' : `OU ${summary.ous.join(', ')}`;
    throw new SigningError(
      'signing.ou_mismatch',
      `${label} has ${found}, but SENDER_CODE is ${expected.senderCode}; the OU must hold the sender's agency code`,
    );
  }
  const days = daysUntilExpiry(summary, expected.now);
  return { daysUntilExpiry: days, expiresSoon: days < EXPIRY_WARNING_DAYS };
}
