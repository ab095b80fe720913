import { createPrivateKey, createPublicKey, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MINISTRY_AGENCY_CODE } from '../contract/national-contract.js';
import { paths } from '../paths.js';
import { issueCertificate, type DistinguishedName } from './certificate-builder.js';
import { writePkcs12 } from './pkcs12-writer.js';

/**
 * A development PKI: a CA, the province's signing identity (OU = SENDER_CODE) and a
 * Ministry identity (OU = 000.00.00.G09) for the simulator, each as PKCS#12 and as PEM, and the
 * CA as trust-anchors.pem. Existing files are kept, so running it twice changes nothing and a
 * deleted leaf is re-issued by the same CA. Keys are RSA-3072 from node:crypto.
 */

/** The development PKI's passphrase and folder: known to every part that uses certs/dev. */
export const DEV_PKI_PASSPHRASE = 'csdl-dev';
export const DEV_PKI_DIR = join(paths.root, 'certs', 'dev');

export interface DevPkiOptions {
  senderCode: string;
  passphrase: string;
  now?: Date;
}

export interface DevIdentityFiles {
  p12: string;
  keyPem: string;
  certPem: string;
}

export interface DevPkiFiles {
  caCert: string;
  caKey: string;
  trustAnchors: string;
  province: DevIdentityFiles;
  ministry: DevIdentityFiles;
  /** Files this call wrote (empty when everything already existed). */
  created: string[];
}

const YEAR_MS = 365 * 86_400_000;
const BACKDATE_MS = 3_600_000; // tolerate an hour of clock skew between machines

function newRsaKey(): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: 3072 }).privateKey;
}

function encryptedPem(key: KeyObject, passphrase: string): string {
  return key.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase }).toString();
}

async function writeNew(file: string, content: string | Buffer, created: string[], secret: boolean): Promise<void> {
  await writeFile(file, content, { mode: secret ? 0o600 : 0o644 });
  created.push(file);
}

/**
 * The CA's certificate, and its key behind a function: decrypting the key (PBKDF2) is left
 * until a leaf must be issued, so a run over a complete folder does not pay for it.
 */
interface DevCa {
  certificate: X509Certificate;
  privateKey: () => Promise<KeyObject>;
  certFile: string;
  keyFile: string;
}

async function ensureCa(dir: string, options: DevPkiOptions, created: string[]): Promise<DevCa> {
  const certFile = join(dir, 'ca.cert.pem');
  const keyFile = join(dir, 'ca.key.pem');
  if (existsSync(certFile) && existsSync(keyFile)) {
    const certificate = new X509Certificate(await readFile(certFile));
    let key: Promise<KeyObject> | undefined;
    const privateKey = () =>
      (key ??= readFile(keyFile).then((pem) => createPrivateKey({ key: pem, format: 'pem', passphrase: options.passphrase })));
    return { certificate, privateKey, certFile, keyFile };
  }
  const now = options.now ?? new Date();
  const privateKey = newRsaKey();
  const subject: DistinguishedName = {
    country: 'VN',
    organization: 'CSDL gateway development PKI',
    commonName: 'CSDL Development Root CA',
  };
  const certificate = issueCertificate({
    subject,
    publicKey: createPublicKey(privateKey),
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + 10 * YEAR_MS),
    isCa: true,
    selfSigningKey: privateKey,
  });
  await writeNew(keyFile, encryptedPem(privateKey, options.passphrase), created, true);
  await writeNew(certFile, certificate.toString(), created, false);
  return { certificate, privateKey: () => Promise.resolve(privateKey), certFile, keyFile };
}

async function ensureLeaf(
  dir: string,
  name: string,
  subject: DistinguishedName,
  ca: DevCa,
  options: DevPkiOptions,
  created: string[],
): Promise<DevIdentityFiles> {
  const files = { p12: join(dir, `${name}.p12`), keyPem: join(dir, `${name}.key.pem`), certPem: join(dir, `${name}.cert.pem`) };
  if (existsSync(files.p12) && existsSync(files.keyPem) && existsSync(files.certPem)) return files;
  const issuer = { certificate: ca.certificate, privateKey: await ca.privateKey() }; // a wrong passphrase fails here
  const now = options.now ?? new Date();
  const privateKey = newRsaKey();
  const certificate = issueCertificate({
    subject,
    publicKey: createPublicKey(privateKey),
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + 2 * YEAR_MS),
    isCa: false,
    issuer,
  });
  await writeNew(files.p12, writePkcs12(privateKey, [certificate, ca.certificate], options.passphrase, name), created, true);
  await writeNew(files.keyPem, encryptedPem(privateKey, options.passphrase), created, true);
  await writeNew(files.certPem, certificate.toString(), created, false);
  return files;
}

export async function ensureDevPki(dir: string, options: DevPkiOptions): Promise<DevPkiFiles> {
  await mkdir(dir, { recursive: true });
  const created: string[] = [];
  const ca = await ensureCa(dir, options, created);
  const province = await ensureLeaf(
    dir,
    'province',
    {
      country: 'VN',
      organization: `Sở Nội vụ ${options.senderCode} (development)`,
      organizationalUnit: options.senderCode,
      commonName: `${options.senderCode} CSDL gateway signing (development)`,
    },
    ca,
    options,
    created,
  );
  const ministry = await ensureLeaf(
    dir,
    'ministry',
    {
      country: 'VN',
      organization: 'Bộ Nội vụ (development)',
      organizationalUnit: MINISTRY_AGENCY_CODE,
      commonName: `${MINISTRY_AGENCY_CODE} CSDL signing (development)`,
    },
    ca,
    options,
    created,
  );
  const trustAnchors = join(dir, 'trust-anchors.pem');
  if (!existsSync(trustAnchors)) await writeNew(trustAnchors, ca.certificate.toString(), created, false);
  return { caCert: ca.certFile, caKey: ca.keyFile, trustAnchors, province, ministry, created };
}
