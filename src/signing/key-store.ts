import { readFile } from 'node:fs/promises';
import { createKeyRing, type KeyRing } from './key-ring.js';
import { SigningError } from './signing-errors.js';
import { identityFromPem, identityFromPkcs12, type SigningIdentity } from './signing-identity.js';

/**
 * The file edge of signing: reads key material named by configuration (SIGNING_KEY_FILE and
 * friends, wired by the lead) and hands the bytes to the pure loaders. The passphrase is a
 * parameter, never read here from the environment.
 */
export type IdentitySource =
  | { kind: 'pkcs12'; file: string; passphrase: string }
  | { kind: 'pem'; keyFile: string; certFile: string; passphrase?: string };

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

/** `.p12`/`.pfx` is PKCS#12; anything else is taken as a PEM key beside a PEM certificate. */
export function sourceFromPath(file: string, passphrase: string | undefined, certFile?: string): IdentitySource {
  if (/\.(p12|pfx)$/i.test(file)) return { kind: 'pkcs12', file, passphrase: passphrase ?? '' };
  if (certFile === undefined) {
    throw new SigningError('signing.bad_argument', `${file} is not a .p12/.pfx file and no certificate file was given`);
  }
  return { kind: 'pem', keyFile: file, certFile, ...(passphrase === undefined ? {} : { passphrase }) };
}

export async function loadIdentity(source: IdentitySource): Promise<SigningIdentity> {
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
