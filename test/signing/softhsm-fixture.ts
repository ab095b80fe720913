import { execFileSync, spawnSync } from 'node:child_process';
import { createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueCertificate } from '../../src/signing/certificate-builder.js';
import { subjectName } from '../../src/signing/certificate-info.js';
import { openModule } from '../../src/signing/pkcs11-module.js';
import { DAY, PROVINCE, type Ca } from './pki-fixture.js';

/**
 * A SoftHSM2 token store made fresh in a temp dir per test process (SOFTHSM2_CONF points at
 * it before the module is first loaded), tokens initialised with softhsm2-util, RSA keys
 * generated ON the token as sensitive and non-extractable through the same binding the
 * gateway uses, and certificates for them issued by a test CA and imported as objects.
 * Tests skip only when the library is not installed (CI installs the softhsm2 package).
 */
export const SOFTHSM_LIB = process.env.SOFTHSM2_LIB ?? '/usr/lib/softhsm/libsofthsm2.so';
export const USER_PIN = '246810';
const SO_PIN = '13579111';

export function softHsmMissing(): string | undefined {
  if (!existsSync(SOFTHSM_LIB)) return `SoftHSM2 is not installed (${SOFTHSM_LIB} missing; apt-get install softhsm2)`;
  if (spawnSync('softhsm2-util', ['--version']).status !== 0) return 'softhsm2-util is not on PATH (apt-get install softhsm2)';
  return undefined;
}

interface Store {
  dir: string;
  tokenDir: string;
}
let store: Store | undefined;

function tokenStore(): Store {
  if (store) return store;
  const dir = mkdtempSync(join(tmpdir(), 'csdl-softhsm-'));
  const tokenDir = join(dir, 'tokens');
  mkdirSync(tokenDir);
  const conf = join(dir, 'softhsm2.conf');
  writeFileSync(conf, `directories.tokendir = ${tokenDir}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = true\n`);
  process.env.SOFTHSM2_CONF = conf;
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  store = { dir, tokenDir };
  return store;
}

export interface TestToken {
  label: string;
  /** The token's own directory in the store: renaming it away is pulling the token out. */
  dir: string;
  pin: string;
}

/** Initialises a new token; the gateway's module (if loaded) is re-initialised to see its slot. */
export function initToken(label: string, pin = USER_PIN): TestToken {
  const { tokenDir } = tokenStore();
  const before = new Set(readdirSync(tokenDir));
  execFileSync('softhsm2-util', ['--init-token', '--free', '--label', label, '--so-pin', SO_PIN, '--pin', pin], { stdio: 'pipe', env: process.env });
  const added = readdirSync(tokenDir).filter((d) => !before.has(d));
  if (added.length !== 1) throw new Error(`softhsm2-util made ${added.length} token dirs`);
  // A module initialised before this token existed enumerates its slots afresh.
  openModule(SOFTHSM_LIB).reinitialize();
  return { label, dir: join(tokenDir, added[0]!), pin };
}

function withSession<T>(token: TestToken, run: (session: Buffer) => T): T {
  const m = openModule(SOFTHSM_LIB);
  const slot = m.tokens().find((t) => t.label === token.label)?.slot;
  if (!slot) throw new Error(`token ${token.label} not found`);
  const session = m.lib.C_OpenSession(slot, m.api.CKF_SERIAL_SESSION | m.api.CKF_RW_SESSION);
  try {
    try {
      m.lib.C_Login(session, m.api.CKU_USER, token.pin);
    } catch (err) {
      if (!String(err).includes('CKR_USER_ALREADY_LOGGED_IN')) throw err;
    }
    return run(session);
  } finally {
    m.lib.C_CloseSession(session);
  }
}

export interface GeneratedKey {
  label: string;
  id: Buffer;
  /** The public half, read from the token (the private half cannot be). */
  publicKey: ReturnType<typeof createPublicKey>;
}

/** An RSA key pair generated on the token: private half sensitive, non-extractable, sign only. */
export function generateKey(token: TestToken, label: string, id: Buffer, bits = 2048): GeneratedKey {
  return withSession(token, (session) => {
    const { lib, api } = openModule(SOFTHSM_LIB);
    const keys = lib.C_GenerateKeyPair(
      session,
      { mechanism: api.CKM_RSA_PKCS_KEY_PAIR_GEN },
      [
        { type: api.CKA_TOKEN, value: true }, { type: api.CKA_LABEL, value: label }, { type: api.CKA_ID, value: id },
        { type: api.CKA_VERIFY, value: true }, { type: api.CKA_MODULUS_BITS, value: bits },
        { type: api.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
      ],
      [
        { type: api.CKA_TOKEN, value: true }, { type: api.CKA_PRIVATE, value: true }, { type: api.CKA_LABEL, value: label },
        { type: api.CKA_ID, value: id }, { type: api.CKA_SIGN, value: true }, { type: api.CKA_DECRYPT, value: false },
        { type: api.CKA_SENSITIVE, value: true }, { type: api.CKA_EXTRACTABLE, value: false },
      ],
    );
    const [n, e] = lib.C_GetAttributeValue(session, keys.publicKey, [{ type: api.CKA_MODULUS }, { type: api.CKA_PUBLIC_EXPONENT }]);
    const b64 = (b: Buffer) => b.toString('base64url');
    const publicKey = createPublicKey({ key: { kty: 'RSA', n: b64(n!.value as Buffer), e: b64(e!.value as Buffer) }, format: 'jwk' });
    return { label, id, publicKey };
  });
}

/**
 * Puts an existing RSA key on the token, sensitive and non-extractable from then on: the same
 * key in a file and on a token gives byte-identical envelopes (PKCS#1 v1.5 is deterministic),
 * which is how the tests and the bench compare the two.
 */
export function importKey(token: TestToken, label: string, id: Buffer, privateKey: KeyObject): void {
  const jwk = privateKey.export({ format: 'jwk' });
  const bytes = (v: string | undefined) => Buffer.from(v ?? '', 'base64url');
  withSession(token, (session) => {
    const { lib, api } = openModule(SOFTHSM_LIB);
    lib.C_CreateObject(session, [
      { type: api.CKA_CLASS, value: api.CKO_PRIVATE_KEY }, { type: api.CKA_KEY_TYPE, value: api.CKK_RSA },
      { type: api.CKA_TOKEN, value: true }, { type: api.CKA_PRIVATE, value: true }, { type: api.CKA_LABEL, value: label },
      { type: api.CKA_ID, value: id }, { type: api.CKA_SIGN, value: true }, { type: api.CKA_SENSITIVE, value: true },
      { type: api.CKA_EXTRACTABLE, value: false }, { type: api.CKA_MODULUS, value: bytes(jwk.n) },
      { type: api.CKA_PUBLIC_EXPONENT, value: bytes(jwk.e) }, { type: api.CKA_PRIVATE_EXPONENT, value: bytes(jwk.d) },
      { type: api.CKA_PRIME_1, value: bytes(jwk.p) }, { type: api.CKA_PRIME_2, value: bytes(jwk.q) },
      { type: api.CKA_EXPONENT_1, value: bytes(jwk.dp) }, { type: api.CKA_EXPONENT_2, value: bytes(jwk.dq) },
      { type: api.CKA_COEFFICIENT, value: bytes(jwk.qi) },
    ]);
  });
}

/** Sessions the token has open (CK_TOKEN_INFO.ulSessionCount). */
export function sessionCount(token: TestToken): number {
  const m = openModule(SOFTHSM_LIB);
  const slot = m.tokens().find((t) => t.label === token.label)?.slot;
  if (!slot) throw new Error(`token ${token.label} not found`);
  return m.lib.C_GetTokenInfo(slot).sessionCount;
}

/** Reads the private key's protection flags, as an officer's tool would. */
export function keyFlags(token: TestToken, label: string): { sensitive: boolean; extractable: boolean; valueReadable: boolean } {
  return withSession(token, (session) => {
    const { lib, api } = openModule(SOFTHSM_LIB);
    lib.C_FindObjectsInit(session, [{ type: api.CKA_CLASS, value: api.CKO_PRIVATE_KEY }, { type: api.CKA_LABEL, value: label }]);
    const [key] = lib.C_FindObjects(session, 1);
    lib.C_FindObjectsFinal(session);
    const [s, x] = lib.C_GetAttributeValue(session, key!, [{ type: api.CKA_SENSITIVE }, { type: api.CKA_EXTRACTABLE }]);
    let valueReadable = true;
    try {
      lib.C_GetAttributeValue(session, key!, [{ type: api.CKA_PRIVATE_EXPONENT }]);
    } catch {
      valueReadable = false;
    }
    return { sensitive: (s!.value as Buffer)[0] === 1, extractable: (x!.value as Buffer)[0] === 1, valueReadable };
  });
}

/** Imports a certificate onto the token under the key's label and id. */
export function importCertificate(token: TestToken, label: string, id: Buffer, certificate: X509Certificate): void {
  withSession(token, (session) => {
    const { lib, api } = openModule(SOFTHSM_LIB);
    lib.C_CreateObject(session, [
      { type: api.CKA_CLASS, value: api.CKO_CERTIFICATE }, { type: api.CKA_CERTIFICATE_TYPE, value: api.CKC_X_509 },
      { type: api.CKA_TOKEN, value: true }, { type: api.CKA_LABEL, value: label }, { type: api.CKA_ID, value: id },
      { type: api.CKA_SUBJECT, value: subjectName(certificate.raw) }, { type: api.CKA_VALUE, value: certificate.raw },
    ]);
  });
}

/** A certificate from `ca` for a public key (a token's), OU = the province by default. */
export function certifyKey(ca: Ca, publicKey: GeneratedKey['publicKey'], options: { ou?: string; commonName?: string; notBefore?: Date; notAfter?: Date } = {}): X509Certificate {
  const now = Date.now();
  return issueCertificate({
    subject: { country: 'VN', organization: 'Sở Nội vụ tỉnh Thử nghiệm', organizationalUnit: options.ou ?? PROVINCE, commonName: options.commonName ?? 'Token signer' },
    publicKey,
    notBefore: options.notBefore ?? new Date(now - DAY),
    notAfter: options.notAfter ?? new Date(now + 365 * DAY),
    isCa: false,
    issuer: ca,
  });
}

/**
 * Pulls the token out: its directory leaves the token store (SoftHSM2 treats every directory
 * in the store as a token, so it must go elsewhere). `putBack` undoes it.
 */
export function pullOut(token: TestToken): { putBack(): void } {
  const away = join(tokenStore().dir, `pulled-out-${token.label.replace(/\W/g, '_')}`);
  renameSync(token.dir, away);
  return { putBack: () => renameSync(away, token.dir) };
}
