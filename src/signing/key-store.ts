import { readFile } from 'node:fs/promises';
import { createKeyRing, type KeyRing } from './key-ring.js';
import { SigningError } from './signing-errors.js';
import { isPkcs11Uri, parsePkcs11Uri, pinFor } from './pkcs11-uri.js';
import { certificatesFromPem, identityFromPem, identityFromPkcs12, type SigningIdentity } from './signing-identity.js';
import { TokenKey, tokenIdentity } from './token-identity.js';

/**
 * The file edge of signing: reads key material named by configuration (SIGNING_KEY_FILE and
 * friends, wired in compose/) and hands the bytes to the pure loaders. The passphrase is a
 * parameter, never read here from the environment.
 */
export type IdentitySource =
  | { kind: 'pkcs12'; file: string; passphrase: string }
  | { kind: 'pem'; keyFile: string; certFile: string; passphrase?: string }
  /** A key on a PKCS#11 token (RFC 7512 URI); the certificate from the token unless certFile. */
  | { kind: 'pkcs11'; uri: string; module: string | undefined; passphrase?: string; certFile?: string };

/** One TokenKey per module and URI in a process: one session, one login, however often it is opened. */
const tokenKeys = new Map<string, TokenKey>();

async function readBytes(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new SigningError('signing.file_unreadable', `cannot read the ${what} file ${file} (${reason})`, {
      cause: err,
    });
  }
}

/**
 * `pkcs11:` is a key on a token (PKCS11_MODULE names the library); `.p12`/`.pfx` is PKCS#12;
 * anything else is taken as a PEM key beside a PEM certificate.
 */
export function sourceFromPath(file: string, passphrase: string | undefined, certFile?: string, pkcs11Module?: string): IdentitySource {
  if (isPkcs11Uri(file)) {
    return { kind: 'pkcs11', uri: file, module: pkcs11Module, ...(passphrase === undefined ? {} : { passphrase }), ...(certFile === undefined ? {} : { certFile }) };
  }
  if (/\.(p12|pfx)$/i.test(file)) return { kind: 'pkcs12', file, passphrase: passphrase ?? '' };
  if (certFile === undefined) {
    throw new SigningError('signing.bad_argument', `${file} is not a .p12/.pfx file and no certificate file was given`);
  }
  return { kind: 'pem', keyFile: file, certFile, ...(passphrase === undefined ? {} : { passphrase }) };
}

async function loadTokenIdentity(source: Extract<IdentitySource, { kind: 'pkcs11' }>): Promise<SigningIdentity> {
  const uri = parsePkcs11Uri(source.uri);
  const module = uri.modulePath ?? source.module;
  if (module === undefined) {
    throw new SigningError('signing.pkcs11_module_not_found', `${uri.text} names a key on a token, but PKCS11_MODULE (the token's PKCS#11 library) is not set`);
  }
  const pin = pinFor(uri, source.passphrase);
  const cacheKey = `${module}\n${uri.text}\n${pin ?? ''}`;
  let key = tokenKeys.get(cacheKey);
  if (key === undefined) {
    key = new TokenKey({ module, uri, pin });
    tokenKeys.set(cacheKey, key);
  }
  const certificates = source.certFile === undefined
    ? undefined
    : certificatesFromPem((await readBytes(source.certFile, 'certificate')).toString('utf8'), source.certFile);
  return tokenIdentity(key, certificates);
}

export async function loadIdentity(source: IdentitySource): Promise<SigningIdentity> {
  if (source.kind === 'pkcs11') return loadTokenIdentity(source);
  if (source.kind === 'pkcs12') {
    return identityFromPkcs12(await readBytes(source.file, 'PKCS#12'), source.passphrase, source.file);
  }
  const keyPem = (await readBytes(source.keyFile, 'private key')).toString('utf8');
  const certPem = (await readBytes(source.certFile, 'certificate')).toString('utf8');
  return identityFromPem(keyPem, certPem, source.passphrase, `${source.keyFile} + ${source.certFile}`);
}

/** Loads and checks every configured identity (current key and its rotation partner). */
export async function loadKeyRing(
  sources: IdentitySource[],
  options: { senderCode: string; now?: Date; clock?: () => Date },
): Promise<KeyRing> {
  const identities = await Promise.all(sources.map(loadIdentity));
  const now = options.now ?? options.clock?.() ?? new Date();
  const clock = options.clock ? { clock: options.clock } : {};
  return createKeyRing(identities, { senderCode: options.senderCode, now, ...clock });
}
