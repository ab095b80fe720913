import type { KeyObject, X509Certificate } from 'node:crypto';
import { createRequire } from 'node:module';
import type forge from 'node-forge';

// node-forge (CommonJS, ~0.1-0.2 s to load) is required on first use, not at import: a command
// that never writings a PKCS#12 file does not pay for it, and a sync loads it while its databases connect.
const require = createRequire(import.meta.url);
let forgeLoaded: typeof forge | undefined;
const nodeForge = (): typeof forge => (forgeLoaded ??= require('node-forge') as typeof forge);

/**
 * Writes a PKCS#12 file for the development PKI with node-forge. For an ASCII passphrase the
 * key is shrouded with PBES2/AES-256-CBC, as OpenSSL 3 does by default. forge derives PBES2 keys
 * from the passphrase's UTF-16 code units rather than its UTF-8 bytes (see pkcs12-reader.ts),
 * which OpenSSL would not read back, so a non-ASCII passphrase falls back to the PKCS#12 3DES
 * scheme, whose BMPString passphrase forge encodes correctly. The MAC is HMAC-SHA1 (forge's only).
 */
export function writePkcs12(
  privateKey: KeyObject,
  chain: X509Certificate[],
  passphrase: string,
  friendlyName: string,
): Buffer {
  const key = nodeForge().pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
  const certificates = chain.map((cert) => nodeForge().pki.certificateFromPem(cert.toString()));
  const ascii = /^[\x20-\x7e]*$/.test(passphrase);
  const asn1 = nodeForge().pkcs12.toPkcs12Asn1(key, certificates, passphrase, {
    algorithm: ascii ? 'aes256' : '3des',
    friendlyName,
    generateLocalKeyId: true,
    count: 2048,
  });
  return Buffer.from(nodeForge().asn1.toDer(asn1).getBytes(), 'binary');
}
