import { sign, type KeyObject } from 'node:crypto';

/**
 * The one step of signing that touches the private key: an RSA PKCS#1 v1.5 signature over
 * SHA-256 of the given bytes (the DER signed attributes). A key in a file and a key on a
 * PKCS#11 token both offer it, so the CMS envelope around the signature is built by the same
 * code and is byte-for-byte the same structure whichever holds the key.
 */
export type KeyLocation =
  | { kind: 'file'; source: string }
  | { kind: 'token'; uri: string; module: string; tokenLabel: string; tokenSerial: string; keyLabel: string; keyId: string };

export interface SignatureKey {
  location: KeyLocation;
  /** RSA PKCS#1 v1.5 signature (SHA-256) over `data`; throws a SigningError when the key cannot be used. */
  signSha256(data: Buffer): Buffer;
}

export function fileSignatureKey(privateKey: KeyObject, source: string): SignatureKey {
  return { location: { kind: 'file', source }, signSha256: (data) => sign('sha256', data, privateKey) };
}

/** One line for `keys` and start-up: where the key lives. */
export function describeLocation(location: KeyLocation): string {
  if (location.kind === 'file') return `file ${location.source}`;
  return `token "${location.tokenLabel}" (serial ${location.tokenSerial}), key "${location.keyLabel}" id ${location.keyId || '(none)'}`;
}
