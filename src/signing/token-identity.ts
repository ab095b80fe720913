import { createHash, randomBytes, verify, X509Certificate } from 'node:crypto';
import { summarizeCertificate } from './certificate-info.js';
import { ckr, openModule, type Pkcs11Module, type TokenInfo } from './pkcs11-module.js';
import { idText, type Pkcs11Uri } from './pkcs11-uri.js';
import type { KeyLocation, SignatureKey } from './signature-key.js';
import { SigningError } from './signing-errors.js';
import type { SigningIdentity } from './signing-identity.js';

/**
 * A signing key that lives on a PKCS#11 token and never leaves it: the gateway holds a
 * session handle and the key's object handle, and asks the token for one signature per
 * packet. One session per key, logged in once per process; node runs the synchronous
 * C_SignInit/C_Sign pair to the end before anything else, so the session is never used by two
 * signatures at once and a batch of packets reuses it.
 *
 * The PIN is presented once. A refusal is remembered and never presented again by this
 * process: tokens lock after a few wrong PINs, and a retry loop would lock the Ministry's key.
 * A token that goes away mid-run fails the signature (nothing is stored for that packet, the
 * run stops); the next signature re-initialises the module, finds the token and logs in again.
 */
export interface TokenKeyOptions {
  module: string;
  uri: Pkcs11Uri;
  pin: string | undefined;
}

// DigestInfo prefix of SHA-256 (RFC 8017 9.2 note 1), for tokens that sign only raw PKCS#1.
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

/** Return codes meaning the token, its session or the key's handle is gone. */
const REMOVED = new Set([
  'CKR_DEVICE_REMOVED', 'CKR_TOKEN_NOT_PRESENT', 'CKR_TOKEN_NOT_RECOGNIZED', 'CKR_SESSION_HANDLE_INVALID', 'CKR_SESSION_CLOSED',
  'CKR_OBJECT_HANDLE_INVALID', 'CKR_KEY_HANDLE_INVALID', 'CKR_DEVICE_ERROR', 'CKR_CRYPTOKI_NOT_INITIALIZED', 'CKR_USER_NOT_LOGGED_IN',
]);

interface Connected {
  token: TokenInfo;
  session: Buffer;
  key: Buffer;
  keyLabel: string;
  keyId: Buffer;
  generation: number;
  rawRsa: boolean;
}

function describeTokens(tokens: TokenInfo[]): string {
  return tokens.length === 0 ? 'no token is present' : `tokens present: ${tokens.map((t) => `"${t.label}" (serial ${t.serial})`).join(', ')}`;
}

function wanted(uri: Pkcs11Uri): string {
  return [uri.token === undefined ? '' : `label "${uri.token}"`, uri.serial === undefined ? '' : `serial ${uri.serial}`].filter(Boolean).join(' and ') || 'any label';
}

export class TokenKey implements SignatureKey {
  private connected: Connected | undefined;
  /** The module generation in which the token was found gone; the module is re-initialised once. */
  private goneIn: number | undefined;
  private readonly module: Pkcs11Module;

  constructor(private readonly options: TokenKeyOptions) {
    this.module = openModule(options.module);
  }

  get location(): KeyLocation {
    const c = this.connected;
    return {
      kind: 'token', uri: this.options.uri.text, module: this.module.path,
      tokenLabel: c?.token.label ?? this.options.uri.token ?? '', tokenSerial: c?.token.serial ?? this.options.uri.serial ?? '',
      keyLabel: c?.keyLabel ?? this.options.uri.object ?? '', keyId: idText(c?.keyId ?? this.options.uri.id),
    };
  }

  /** Finds the token and the key and logs in; the first call per process presents the PIN. */
  connect(): Connected {
    const { lib, api } = this.module;
    const { uri } = this.options;
    const tokens = this.module.tokens();
    const token = tokens.find((t) => (uri.token === undefined || t.label === uri.token) && (uri.serial === undefined || t.serial === uri.serial));
    if (token === undefined) {
      throw new SigningError('signing.token_not_found', `no token with ${wanted(uri)} in ${this.module.path}; ${describeTokens(tokens)}`);
    }
    const refused = this.module.pinRefused.get(token.serial);
    if (refused) throw refused;
    const session = lib.C_OpenSession(token.slot, api.CKF_SERIAL_SESSION);
    try {
      this.login(session, token);
      const found = this.findKey(session, token);
      const mechanisms = lib.C_GetMechanismList(token.slot);
      const rawRsa = !mechanisms.includes(api.CKM_SHA256_RSA_PKCS);
      this.connected = { token, session, ...found, generation: this.module.generation, rawRsa };
      return this.connected;
    } catch (err) {
      try {
        lib.C_CloseSession(session);
      } catch {
        // The session is being given up; its own error is the one to report.
      }
      throw err;
    }
  }

  private login(session: Buffer, token: TokenInfo): void {
    const { lib, api } = this.module;
    try {
      lib.C_Login(session, api.CKU_USER, this.options.pin);
    } catch (err) {
      const code = ckr(err);
      // Another key on the same token already logged this process in (login is per token).
      if (code === 'CKR_USER_ALREADY_LOGGED_IN') return;
      if (code === 'CKR_PIN_INCORRECT' || code === 'CKR_PIN_INVALID' || code === 'CKR_PIN_LEN_RANGE' || code === 'CKR_ARGUMENTS_BAD') {
        const refusal = new SigningError(
          'signing.pin_incorrect',
          `token "${token.label}" refused the PIN (${code}); it was tried once and will not be tried again: correct SIGNING_KEY_PASSPHRASE or pin-source before the token locks`,
          { cause: err },
        );
        this.module.pinRefused.set(token.serial, refusal);
        throw refusal;
      }
      if (code === 'CKR_PIN_LOCKED' || code === 'CKR_PIN_EXPIRED') {
        const refusal = new SigningError('signing.pin_locked', `token "${token.label}" has its user PIN ${code === 'CKR_PIN_LOCKED' ? 'locked' : 'expired'}; the security officer must unlock it`, { cause: err });
        this.module.pinRefused.set(token.serial, refusal);
        throw refusal;
      }
      throw new SigningError('signing.token_error', `token "${token.label}" refused the login (${code || String(err)})`, { cause: err });
    }
  }

  private findKey(session: Buffer, token: TokenInfo): Pick<Connected, 'key' | 'keyLabel' | 'keyId'> {
    const { lib, api } = this.module;
    const { uri } = this.options;
    const template: { type: number; value: number | string | Buffer | boolean }[] = [{ type: api.CKA_CLASS, value: api.CKO_PRIVATE_KEY }];
    if (uri.object !== undefined) template.push({ type: api.CKA_LABEL, value: uri.object });
    if (uri.id !== undefined) template.push({ type: api.CKA_ID, value: uri.id });
    lib.C_FindObjectsInit(session, template);
    const keys = lib.C_FindObjects(session, 2);
    lib.C_FindObjectsFinal(session);
    const named = [uri.object === undefined ? '' : `label "${uri.object}"`, uri.id === undefined ? '' : `id ${idText(uri.id)}`].filter(Boolean).join(' and ');
    if (keys.length === 0) {
      throw new SigningError('signing.key_not_found', `token "${token.label}" holds no private key with ${named} (is the PIN the user PIN, and the label right?)`);
    }
    if (keys.length > 1) {
      throw new SigningError('signing.key_not_found', `token "${token.label}" holds several private keys with ${named}; name one by id=`);
    }
    const key = keys[0]!;
    const [label, id, keyType] = lib.C_GetAttributeValue(session, key, [{ type: api.CKA_LABEL }, { type: api.CKA_ID }, { type: api.CKA_KEY_TYPE }]);
    if ((keyType?.value as Buffer | undefined)?.readUInt32LE(0) !== api.CKK_RSA) {
      throw new SigningError('signing.key_unsupported', `the key with ${named} on token "${token.label}" is not RSA; the contract requires RSA`);
    }
    return { key, keyLabel: (label?.value as Buffer | undefined)?.toString('utf8') ?? '', keyId: (id?.value as Buffer | undefined) ?? Buffer.alloc(0) };
  }

  /** The certificate stored beside the key: same CKA_ID, else same label. */
  certificate(): X509Certificate {
    const c = this.connected ?? this.connect();
    const { lib, api } = this.module;
    const attempts = [
      c.keyId.length > 0 ? [{ type: api.CKA_ID, value: c.keyId }] : undefined,
      c.keyLabel !== '' ? [{ type: api.CKA_LABEL, value: c.keyLabel }] : undefined,
    ].filter((t) => t !== undefined);
    for (const extra of attempts) {
      lib.C_FindObjectsInit(c.session, [{ type: api.CKA_CLASS, value: api.CKO_CERTIFICATE }, ...extra]);
      const found = lib.C_FindObjects(c.session, 1);
      lib.C_FindObjectsFinal(c.session);
      const handle = found[0];
      if (handle === undefined) continue;
      const [value] = lib.C_GetAttributeValue(c.session, handle, [{ type: api.CKA_VALUE }]);
      return new X509Certificate(value?.value as Buffer);
    }
    throw new SigningError(
      'signing.cert_not_found',
      `token "${c.token.label}" holds no certificate with the key's id ${idText(c.keyId) || '(none)'} or label "${c.keyLabel}"; import it on the token or set SIGNING_CERT_FILE`,
    );
  }

  signSha256(data: Buffer): Buffer {
    let c = this.connected;
    if (c === undefined || c.generation !== this.module.generation) {
      // Gone since the last signature, or the module was re-initialised: look for the token afresh.
      this.connected = undefined;
      c = this.reconnect();
    }
    const { lib, api } = this.module;
    try {
      if (c.rawRsa) {
        lib.C_SignInit(c.session, { mechanism: api.CKM_RSA_PKCS }, c.key);
        return lib.C_Sign(c.session, Buffer.concat([SHA256_DIGEST_INFO, createHash('sha256').update(data).digest()]), Buffer.alloc(1024));
      }
      lib.C_SignInit(c.session, { mechanism: api.CKM_SHA256_RSA_PKCS }, c.key);
      return lib.C_Sign(c.session, data, Buffer.alloc(1024));
    } catch (err) {
      const code = ckr(err);
      if (REMOVED.has(code)) {
        // The token is gone: the next signature re-initialises the module and looks again.
        this.connected = undefined;
        this.goneIn = this.module.generation;
        throw new SigningError('signing.token_removed', `token "${c.token.label}" went away while signing (${code}); nothing was signed: put it back, the next run signs what is pending`, { cause: err });
      }
      throw new SigningError('signing.token_error', `token "${c.token.label}" refused to sign (${code || String(err)})`, { cause: err });
    }
  }

  private reconnect(): Connected {
    // Slots are enumerated afresh only by a new C_Initialize; another key on the same module
    // may have done it already (the generation moved on).
    if (this.goneIn !== undefined && this.goneIn === this.module.generation) this.module.reinitialize();
    this.goneIn = undefined;
    try {
      return this.connect();
    } catch (err) {
      if (err instanceof SigningError && err.code === 'signing.token_not_found') {
        this.goneIn = this.module.generation;
        throw new SigningError('signing.token_removed', `${err.message}; nothing was signed: put the token back, the next run signs what is pending`, { cause: err });
      }
      throw err;
    }
  }
}

/**
 * A signing identity whose key is on a token. The certificate comes from the token unless a
 * file is given; either way a fresh signature over random bytes must verify with the
 * certificate's public key, which is how a key that cannot be read out is matched to it.
 */
export function tokenIdentity(key: TokenKey, certificateFromFile: X509Certificate[] | undefined): SigningIdentity {
  const certificates = certificateFromFile ?? [key.certificate()];
  const certificate = certificates[0];
  const where = key.location;
  const source = `${where.kind === 'token' ? where.uri : ''}`;
  if (certificate === undefined) throw new SigningError('signing.cert_not_found', `no certificate for ${source}`);
  const challenge = randomBytes(32);
  const signature = key.signSha256(challenge);
  if (certificate.publicKey.asymmetricKeyType !== 'rsa' || !verify('sha256', challenge, certificate.publicKey, signature)) {
    throw new SigningError(
      'signing.cert_key_mismatch',
      `the key on token "${key.location.kind === 'token' ? key.location.tokenLabel : ''}" does not match the certificate ${summarizeCertificate(certificate).subject}; install the certificate issued for this key`,
    );
  }
  return { key, certificate, chain: certificates.slice(1), summary: summarizeCertificate(certificate), source };
}
