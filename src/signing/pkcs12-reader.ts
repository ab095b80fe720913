import {
  createDecipheriv,
  createHmac,
  createPrivateKey,
  pbkdf2Sync,
  timingSafeEqual,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import { createRequire } from 'node:module';
import type forge from 'node-forge';
import { OID } from './oids.js';
import { SigningError } from './signing-errors.js';

// node-forge (CommonJS, ~0.1-0.2 s to load) is required on first use, not at import: a command
// that never readings a PKCS#12 file does not pay for it, and a sync loads it while its databases connect.
const require = createRequire(import.meta.url);
let forgeLoaded: typeof forge | undefined;
const nodeForge = (): typeof forge => (forgeLoaded ??= require('node-forge') as typeof forge);

/**
 * Reads a PKCS#12 file (RFC 7292) as OpenSSL 3 writes it by default (PBES2: PBKDF2 with
 * HMAC-SHA256 and AES-256-CBC, MAC HMAC-SHA256) and with `-legacy` (RC2-40 and 3DES with the
 * PKCS#12 KDF, MAC HMAC-SHA1).
 *
 * Why not `forge.pkcs12.pkcs12FromAsn1` as a whole: it feeds the passphrase to PBKDF2 as a
 * JavaScript "binary string", one byte per UTF-16 code unit, while OpenSSL feeds the UTF-8
 * bytes (RFC 8018 leaves the encoding open; OpenSSL's choice is what the files hold). Every
 * passphrase with a letter outside ASCII (any Vietnamese passphrase: "mật khẩu") then fails on
 * a default OpenSSL 3 file with "Failed to decrypt PKCS#12 SafeContents" (forge issues #1073,
 * #707). So: node-forge parses the (possibly BER) structure and runs the legacy PKCS#12 PBE
 * ciphers, which take the passphrase as a BMPString and which node:crypto may lack (RC2 needs
 * OpenSSL's legacy provider); node:crypto runs PBES2 with the UTF-8 passphrase and the MAC.
 */
export interface Pkcs12Contents {
  privateKeys: KeyObject[];
  certificates: X509Certificate[];
}

type Node = forge.asn1.Asn1;

const PBES2_PRFS: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.8': 'sha224',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};
const PBES2_CIPHERS: Record<string, { name: string; keyLength: number }> = {
  '2.16.840.1.101.3.4.1.2': { name: 'aes-128-cbc', keyLength: 16 },
  '2.16.840.1.101.3.4.1.22': { name: 'aes-192-cbc', keyLength: 24 },
  '2.16.840.1.101.3.4.1.42': { name: 'aes-256-cbc', keyLength: 32 },
  '1.2.840.113549.3.7': { name: 'des-ede3-cbc', keyLength: 24 },
};
const MAC_DIGESTS: Record<string, { name: string; forgeName: 'sha1' | 'sha256' | 'sha384' | 'sha512'; size: number }> = {
  '1.3.14.3.2.26': { name: 'sha1', forgeName: 'sha1', size: 20 },
  '2.16.840.1.101.3.4.2.1': { name: 'sha256', forgeName: 'sha256', size: 32 },
  '2.16.840.1.101.3.4.2.2': { name: 'sha384', forgeName: 'sha384', size: 48 },
  '2.16.840.1.101.3.4.2.3': { name: 'sha512', forgeName: 'sha512', size: 64 },
};
const PKCS12_PBE_PREFIX = '1.2.840.113549.1.12.1.';

// forge exposes the PKCS#12 PBE cipher factory at run time but its typings omit it.
interface ForgeCipher {
  update(data: forge.util.ByteStringBuffer): void;
  finish(): boolean;
  output: forge.util.ByteStringBuffer;
}
const forgePbe = () => (nodeForge().pki as unknown as { pbe: { getCipherForPKCS12PBE(oid: string, params: Node, password: string): ForgeCipher } }).pbe;

const badFile = (why: string): SigningError =>
  new SigningError('signing.file_unreadable', `not a readable PKCS#12 file: ${why}`);
const badPassphrase = (): SigningError =>
  new SigningError(
    'signing.bad_passphrase',
    'cannot open the PKCS#12 file with this passphrase (wrong passphrase or damaged file)',
  );

function items(node: Node | undefined, what: string): Node[] {
  if (node === undefined || !Array.isArray(node.value)) throw badFile(`${what} is not a constructed value`);
  return node.value;
}
function item(node: Node | undefined, index: number, what: string): Node {
  const found = items(node, what)[index];
  if (found === undefined) throw badFile(`${what} lacks element ${index}`);
  return found;
}
function oidOf(node: Node, what: string): string {
  if (node.type !== nodeForge().asn1.Type.OID || typeof node.value !== 'string') throw badFile(`${what} is not an OID`);
  return nodeForge().asn1.derToOid(node.value);
}
/** Content octets of an OCTET STRING, primitive or BER-constructed (segments concatenated). */
function octets(node: Node): Buffer {
  if (typeof node.value === 'string') return Buffer.from(node.value, 'binary');
  return Buffer.concat(node.value.map(octets));
}
function integer(node: Node): number {
  return Number.parseInt(nodeForge().util.bytesToHex(octets(node).toString('binary')), 16);
}
function parse(bytes: Buffer, what: string): Node {
  try {
    return nodeForge().asn1.fromDer(bytes.toString('binary'), { strict: false, decodeBitStrings: false } as never);
  } catch (err) {
    throw new SigningError('signing.file_unreadable', `not a readable PKCS#12 file: ${what} is not ASN.1`, { cause: err });
  }
}

function verifyMac(macData: Node, authSafe: Buffer, passphrase: string): void {
  const digestInfo = item(macData, 0, 'MacData');
  const algorithm = oidOf(item(item(digestInfo, 0, 'DigestInfo'), 0, 'MAC algorithm'), 'MAC algorithm');
  const digest = MAC_DIGESTS[algorithm];
  if (digest === undefined) {
    const hint = algorithm === OID.pbmac1 ? ' (PBMAC1, OpenSSL 3.4 -pbmac1_pbkdf2)' : '';
    throw new SigningError('signing.unsupported_format', `PKCS#12 MAC algorithm ${algorithm}${hint} is not supported`);
  }
  const expected = octets(item(digestInfo, 1, 'DigestInfo'));
  const salt = nodeForge().util.createBuffer(octets(item(macData, 1, 'MacData')).toString('binary'));
  const third = items(macData, 'MacData')[2];
  const iterations = third === undefined ? 1 : integer(third);
  // RFC 7292 B.2 key derivation (ID 3 = MAC key) with the passphrase as a BMPString.
  const key = nodeForge().pkcs12.generateKey(passphrase, salt, 3, iterations, digest.size, nodeForge().md[digest.forgeName].create());
  const actual = createHmac(digest.name, Buffer.from(key.getBytes(), 'binary')).update(authSafe).digest();
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw badPassphrase();
}

function decrypt(algorithmId: Node, ciphertext: Buffer, passphrase: string): Buffer {
  const algorithm = oidOf(item(algorithmId, 0, 'AlgorithmIdentifier'), 'encryption algorithm');
  const params = item(algorithmId, 1, 'AlgorithmIdentifier');
  if (algorithm === OID.pbes2) return decryptPbes2(params, ciphertext, passphrase);
  if (algorithm.startsWith(PKCS12_PBE_PREFIX)) {
    let cipher: ForgeCipher;
    try {
      cipher = forgePbe().getCipherForPKCS12PBE(algorithm, params, passphrase);
    } catch (err) {
      throw new SigningError('signing.unsupported_format', `PKCS#12 encryption ${algorithm} is not supported`, { cause: err });
    }
    cipher.update(nodeForge().util.createBuffer(ciphertext.toString('binary')));
    if (!cipher.finish()) throw badPassphrase();
    return Buffer.from(cipher.output.getBytes(), 'binary');
  }
  throw new SigningError('signing.unsupported_format', `PKCS#12 encryption ${algorithm} is not supported`);
}

function decryptPbes2(params: Node, ciphertext: Buffer, passphrase: string): Buffer {
  const kdf = item(params, 0, 'PBES2-params');
  const scheme = item(params, 1, 'PBES2-params');
  if (oidOf(item(kdf, 0, 'KDF'), 'KDF') !== OID.pbkdf2) {
    throw new SigningError('signing.unsupported_format', 'PKCS#12 PBES2 key derivation other than PBKDF2 is not supported');
  }
  const kdfParams = items(item(kdf, 1, 'PBKDF2'), 'PBKDF2-params');
  const [saltNode, countNode] = kdfParams;
  if (saltNode === undefined || countNode === undefined) throw badFile('PBKDF2-params incomplete');
  // Optional keyLength (INTEGER) and prf (SEQUENCE, default hmacWithSHA1), RFC 8018 A.2.
  const prfNode = kdfParams.slice(2).find((n) => n.type === nodeForge().asn1.Type.SEQUENCE);
  const prfOid = prfNode === undefined ? '1.2.840.113549.2.7' : oidOf(item(prfNode, 0, 'prf'), 'prf');
  const prf = PBES2_PRFS[prfOid];
  const cipherOid = oidOf(item(scheme, 0, 'encryption scheme'), 'encryption scheme');
  const cipher = PBES2_CIPHERS[cipherOid];
  if (prf === undefined || cipher === undefined) {
    throw new SigningError('signing.unsupported_format', `PKCS#12 PBES2 with ${prfOid} / ${cipherOid} is not supported`);
  }
  const key = pbkdf2Sync(Buffer.from(passphrase, 'utf8'), octets(saltNode), integer(countNode), cipher.keyLength, prf);
  const iv = octets(item(scheme, 1, 'encryption scheme'));
  try {
    const decipher = createDecipheriv(cipher.name, key, iv);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw badPassphrase();
  }
}

function readBags(bytes: Buffer, passphrase: string, out: Pkcs12Contents): void {
  for (const bag of items(parse(bytes, 'SafeContents'), 'SafeContents')) {
    const type = oidOf(item(bag, 0, 'SafeBag'), 'bag type');
    const value = item(item(bag, 1, 'SafeBag'), 0, 'bag value');
    const der = (node: Node): Buffer => Buffer.from(nodeForge().asn1.toDer(node).getBytes(), 'binary');
    if (type === OID.keyBag || type === OID.pkcs8ShroudedKeyBag) {
      const keyInfo =
        type === OID.keyBag
          ? der(value)
          : decrypt(item(value, 0, 'EncryptedPrivateKeyInfo'), octets(item(value, 1, 'EncryptedPrivateKeyInfo')), passphrase);
      try {
        out.privateKeys.push(createPrivateKey({ key: keyInfo, format: 'der', type: 'pkcs8' }));
      } catch (err) {
        // Without a MAC, a wrong passphrase can still decrypt to padded garbage.
        throw new SigningError('signing.bad_passphrase', badPassphrase().message, { cause: err });
      }
    } else if (type === OID.certBag) {
      if (oidOf(item(value, 0, 'CertBag'), 'certificate type') !== OID.x509Certificate) continue;
      const certDer = octets(item(item(value, 1, 'CertBag'), 0, 'certificate'));
      try {
        out.certificates.push(new X509Certificate(certDer));
      } catch (err) {
        throw new SigningError('signing.file_unreadable', 'a certificate in the PKCS#12 file cannot be parsed', { cause: err });
      }
    } else if (type === OID.safeContentsBag) {
      readBags(der(value), passphrase, out);
    }
    // CRL and secret bags carry nothing the signer needs.
  }
}

export function readPkcs12(file: Buffer, passphrase: string): Pkcs12Contents {
  const pfx = parse(file, 'the file');
  const authSafeInfo = item(pfx, 1, 'PFX');
  if (oidOf(item(authSafeInfo, 0, 'authSafe'), 'authSafe content type') !== OID.data) {
    throw new SigningError('signing.unsupported_format', 'PKCS#12 in public-key integrity mode is not supported');
  }
  const authSafe = octets(item(item(authSafeInfo, 1, 'authSafe'), 0, 'authSafe content'));
  const macData = items(pfx, 'PFX')[2];
  if (macData !== undefined) verifyMac(macData, authSafe, passphrase);
  const out: Pkcs12Contents = { privateKeys: [], certificates: [] };
  for (const info of items(parse(authSafe, 'AuthenticatedSafe'), 'AuthenticatedSafe')) {
    const type = oidOf(item(info, 0, 'ContentInfo'), 'content type');
    const content = item(item(info, 1, 'ContentInfo'), 0, 'content');
    if (type === OID.data) {
      readBags(octets(content), passphrase, out);
    } else if (type === OID.encryptedData) {
      const encrypted = item(content, 1, 'EncryptedData');
      const ciphertext = item(encrypted, 2, 'EncryptedContentInfo');
      readBags(decrypt(item(encrypted, 1, 'EncryptedContentInfo'), octets(ciphertext), passphrase), passphrase, out);
    } else {
      throw new SigningError('signing.unsupported_format', `PKCS#12 content type ${type} is not supported`);
    }
  }
  return out;
}
