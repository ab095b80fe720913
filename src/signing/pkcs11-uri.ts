import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SigningError } from './signing-errors.js';

/**
 * RFC 7512 PKCS#11 URIs, as SIGNING_KEY_FILE may name a key on a token:
 * `pkcs11:token=Province%20H62;object=signing;type=private?pin-source=file:/run/pin`.
 * Only what finding a signing key needs is kept: the token by label or serial, the key by
 * label (`object`) and/or `id`, and where the PIN comes from. Values are percent-decoded;
 * `id` is bytes (`%01%a2`).
 */
export interface Pkcs11Uri {
  /** The URI as configured, with any pin-value removed, for messages. */
  text: string;
  token?: string;
  serial?: string;
  object?: string;
  id?: Buffer;
  type?: string;
  pinSource?: string;
  pinValue?: string;
  modulePath?: string;
}

export function isPkcs11Uri(value: string): boolean {
  return /^pkcs11:/i.test(value);
}

const PATH_ATTRIBUTES = new Set(['token', 'manufacturer', 'serial', 'model', 'library-manufacturer', 'library-description', 'library-version', 'slot-manufacturer', 'slot-description', 'slot-id', 'object', 'type', 'id']);
const QUERY_ATTRIBUTES = new Set(['pin-source', 'pin-value', 'module-name', 'module-path']);

function decode(raw: string, uri: string, name: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i += 1) {
    const c = raw[i]!;
    if (c === '%') {
      const hex = raw.slice(i + 1, i + 3);
      if (!/^[0-9a-f]{2}$/i.test(hex)) throw invalid(uri, `${name} has a bad percent-escape "%${hex}"`);
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(c, 'utf8'));
    }
  }
  return Buffer.from(bytes);
}

function invalid(uri: string, why: string): SigningError {
  return new SigningError('signing.pkcs11_uri_invalid', `the PKCS#11 URI ${redact(uri)} is not usable: ${why} (RFC 7512, e.g. pkcs11:token=LABEL;object=KEY)`);
}

/** The URI without a pin-value, which must never reach a log line. */
function redact(uri: string): string {
  return uri.replace(/([?&]pin-value=)[^&]*/i, '$1***');
}

export function parsePkcs11Uri(uri: string): Pkcs11Uri {
  if (!isPkcs11Uri(uri)) throw invalid(uri, 'it does not start with "pkcs11:"');
  const body = uri.slice('pkcs11:'.length);
  const q = body.indexOf('?');
  const path = q < 0 ? body : body.slice(0, q);
  const query = q < 0 ? '' : body.slice(q + 1);
  const out: Pkcs11Uri = { text: redact(uri) };
  const take = (part: string, separator: string, known: Set<string>): void => {
    for (const pair of part.split(separator)) {
      if (pair === '') continue;
      const eq = pair.indexOf('=');
      if (eq <= 0) throw invalid(uri, `"${pair}" is not name=value`);
      const name = pair.slice(0, eq).toLowerCase();
      if (!known.has(name)) throw invalid(uri, `"${name}" is not a PKCS#11 URI attribute here`);
      const value = decode(pair.slice(eq + 1), uri, name);
      if (name === 'id') out.id = value;
      else if (name === 'token') out.token = value.toString('utf8');
      else if (name === 'serial') out.serial = value.toString('utf8');
      else if (name === 'object') out.object = value.toString('utf8');
      else if (name === 'type') out.type = value.toString('utf8');
      else if (name === 'pin-source') out.pinSource = value.toString('utf8');
      else if (name === 'pin-value') out.pinValue = value.toString('utf8');
      else if (name === 'module-path') out.modulePath = value.toString('utf8');
    }
  };
  take(path, ';', PATH_ATTRIBUTES);
  take(query, '&', QUERY_ATTRIBUTES);
  if (out.type !== undefined && out.type !== 'private' && out.type !== 'cert') {
    throw invalid(uri, `type=${out.type} cannot sign; name the private key (type=private) or leave type out`);
  }
  if (out.object === undefined && out.id === undefined) throw invalid(uri, 'it names no key: give object=LABEL and/or id=%01');
  return out;
}

/**
 * The token's PIN: `pin-source` (a file: URI or a path, its first line) wins over
 * `pin-value`, which wins over SIGNING_KEY_PASSPHRASE. A token without a PIN is left alone.
 */
export function pinFor(uri: Pkcs11Uri, passphrase: string | undefined): string | undefined {
  if (uri.pinSource !== undefined) {
    const file = uri.pinSource.startsWith('file:') ? fileURLToPath(uri.pinSource) : uri.pinSource;
    try {
      return readFileSync(file, 'utf8').split(/\r?\n/)[0] ?? '';
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new SigningError('signing.file_unreadable', `cannot read the PIN file ${file} named by pin-source in ${uri.text} (${reason})`, { cause: err });
    }
  }
  return uri.pinValue ?? passphrase;
}

/** `%01%a2` as RFC 7512 writes an id, for messages. */
export function idText(id: Buffer | undefined): string {
  return id === undefined ? '' : [...id].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('');
}
