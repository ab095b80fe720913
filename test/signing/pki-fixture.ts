import { execFileSync, spawnSync } from 'node:child_process';
import { createPublicKey, generateKeyPairSync, type KeyObject, type X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueCertificate, type DistinguishedName } from '../../src/signing/certificate-builder.js';
import { fileSignatureKey } from '../../src/signing/signature-key.js';
import type { SigningIdentity } from '../../src/signing/signing-identity.js';
import { summarizeCertificate } from '../../src/signing/certificate-info.js';

/**
 * Throw-away key material for the signing tests, made fresh in a temp dir on every run (never
 * committed). Keys come from node:crypto; certificates from our builder; PKCS#12 files from the
 * real `openssl pkcs12 -export`, so the reader is tested on what OpenSSL writes.
 */
export const PROVINCE = '000.00.00.H62';
export const MINISTRY = '000.00.00.G09';
export const DAY = 86_400_000;

const keyCache = new Map<number, KeyObject[]>();
/** RSA keys are slow to generate; tests draw distinct keys from a small per-size pool. */
export function rsaKey(bits = 2048, index = 0): KeyObject {
  const pool = keyCache.get(bits) ?? [];
  keyCache.set(bits, pool);
  while (pool.length <= index) pool.push(generateKeyPairSync('rsa', { modulusLength: bits }).privateKey);
  return pool[index] as KeyObject;
}

export interface Ca {
  certificate: X509Certificate;
  privateKey: KeyObject;
}

export function makeCa(name = 'Test Root CA', keyIndex = 10, now = new Date()): Ca {
  const privateKey = rsaKey(2048, keyIndex);
  const certificate = issueCertificate({
    subject: { country: 'VN', organization: 'Test PKI', commonName: name },
    publicKey: createPublicKey(privateKey),
    notBefore: new Date(now.getTime() - 365 * DAY),
    notAfter: new Date(now.getTime() + 3650 * DAY),
    isCa: true,
    selfSigningKey: privateKey,
  });
  return { certificate, privateKey };
}

export interface LeafOptions {
  ou?: string;
  bits?: number;
  keyIndex?: number;
  notBefore?: Date;
  notAfter?: Date;
  isCa?: boolean;
  commonName?: string;
}

export function makeLeaf(issuer: Ca, options: LeafOptions = {}): Ca {
  const now = Date.now();
  const privateKey = rsaKey(options.bits ?? 2048, options.keyIndex ?? 1);
  const subject: DistinguishedName = {
    country: 'VN',
    organization: 'Sở Nội vụ thử nghiệm',
    commonName: options.commonName ?? `signer ${options.ou ?? 'no OU'}`,
    ...(options.ou === undefined ? {} : { organizationalUnit: options.ou }),
  };
  const certificate = issueCertificate({
    subject,
    publicKey: createPublicKey(privateKey),
    notBefore: options.notBefore ?? new Date(now - DAY),
    notAfter: options.notAfter ?? new Date(now + 365 * DAY),
    isCa: options.isCa ?? false,
    issuer,
  });
  return { certificate, privateKey };
}

export function identityOf(pair: Ca, source = 'test identity'): SigningIdentity {
  return {
    key: fileSignatureKey(pair.privateKey, source),
    privateKey: pair.privateKey,
    certificate: pair.certificate,
    chain: [],
    summary: summarizeCertificate(pair.certificate),
    source,
  };
}

export class TempDir {
  readonly path = mkdtempSync(join(tmpdir(), 'csdl-signing-'));
  file(name: string, content?: string | Buffer): string {
    const full = join(this.path, name);
    if (content !== undefined) writeFileSync(full, content);
    return full;
  }
  remove(): void {
    rmSync(this.path, { recursive: true, force: true });
  }
}

export function openssl(args: string[], input?: Buffer): { status: number; stdout: string; stderr: string } {
  const result = spawnSync('openssl', args, input === undefined ? {} : { input });
  return { status: result.status ?? -1, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

/** Writes key and certificate as PEM and exports them with `openssl pkcs12 -export`. */
export function exportPkcs12(dir: TempDir, name: string, pair: Ca, passphrase: string, extra: string[] = []): string {
  const keyFile = dir.file(`${name}.key.pem`, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const certFile = dir.file(`${name}.cert.pem`, pair.certificate.toString());
  const out = dir.file(`${name}.p12`);
  execFileSync('openssl', ['pkcs12', '-export', ...extra, '-inkey', keyFile, '-in', certFile, '-out', out, '-passout', `pass:${passphrase}`]);
  return out;
}

/** True when this OpenSSL can load its legacy provider (RC2, needed by `pkcs12 -legacy`). */
export function legacyProviderAvailable(): boolean {
  return openssl(['list', '-providers', '-provider', 'legacy']).status === 0;
}
