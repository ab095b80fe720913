import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../config/config.js';
import { describeError } from '../../errors.js';
import { DEV_PKI_DIR, DEV_PKI_PASSPHRASE } from '../../signing/dev-pki.js';
import { createKeyRing } from '../../signing/key-ring.js';
import { loadIdentity, sourceFromPath, type IdentitySource } from '../../signing/key-store.js';
import { describeLocation } from '../../signing/signature-key.js';
import { daysUntilExpiry, EXPIRY_WARNING_DAYS, isValidAt, type SigningIdentity } from '../../signing/signing-identity.js';
import type { CliIo } from '../command.js';

/**
 * `csdl-gateway keys` / `keys show`: the active key and the next one as configured, where each
 * lives (a file, or a token with its label and serial), subject, agency code, validity and
 * days left, and the 30-day expiry warning start-up logs and /readyz shows. Reads only: a key
 * that cannot be opened is shown with its one-line reason and the exit code is 1.
 */
interface Slot {
  name: string;
  source: IdentitySource;
}

function slots(config: Config): Slot[] | undefined {
  const { keyFile, certFile, passphrase, next, pkcs11Module } = config.signing;
  if (!keyFile) return undefined;
  const out: Slot[] = [{ name: 'SIGNING_KEY_FILE', source: sourceFromPath(keyFile, passphrase, certFile, pkcs11Module) }];
  if (next.keyFile) out.push({ name: 'SIGNING_NEXT_KEY_FILE', source: sourceFromPath(next.keyFile, next.passphrase, next.certFile, pkcs11Module) });
  return out;
}

function stateOf(identity: SigningIdentity, active: SigningIdentity | undefined, now: Date): string {
  if (identity === active) return 'active (signs now)';
  if (now.getTime() < identity.summary.notBefore.getTime()) return 'next (not yet valid; takes over by itself)';
  if (now.getTime() > identity.summary.notAfter.getTime()) return 'expired';
  return 'standby';
}

export async function showKeys(config: Config, io: CliIo, now: Date = new Date()): Promise<number> {
  let configured = slots(config);
  if (configured === undefined) {
    const p12 = join(DEV_PKI_DIR, 'province.p12');
    io.out(`SIGNING_KEY_FILE is not set: the development PKI in ${DEV_PKI_DIR} signs (never in production).`);
    if (!existsSync(p12)) {
      io.out('it is created on the first start (or: csdl-gateway keys dev-pki --out certs/dev)');
      return 0;
    }
    configured = [{ name: 'development PKI', source: sourceFromPath(p12, DEV_PKI_PASSPHRASE) }];
  }
  const loaded: { slot: Slot; identity?: SigningIdentity; error?: string }[] = [];
  for (const slot of configured) {
    try {
      loaded.push({ slot, identity: await loadIdentity(slot.source) });
    } catch (err) {
      loaded.push({ slot, error: describeError(err) });
    }
  }
  const identities = loaded.flatMap((l) => (l.identity ? [l.identity] : []));
  let active: SigningIdentity | undefined;
  try {
    active = identities.length > 0 ? createKeyRing(identities, { senderCode: config.senderCode, now }).current(now) : undefined;
  } catch (err) {
    // The ring refuses what start-up would refuse; say why once, and still show each key.
    io.out(`start-up would refuse these keys: ${describeError(err)}`);
  }
  for (const { slot, identity, error } of loaded) {
    io.out('');
    if (identity === undefined) {
      io.out(`${slot.name}: cannot be opened`);
      io.out(`  error:       ${error ?? ''}`);
      continue;
    }
    const { summary } = identity;
    const days = daysUntilExpiry(summary, now);
    const agency = summary.ous.length > 0 ? summary.ous.join(', ') : '(no OU)';
    io.out(`${slot.name}: ${stateOf(identity, active, now)}`);
    io.out(`  where:       ${describeLocation(identity.key.location)}`);
    io.out(`  subject:     ${summary.subject}`);
    io.out(`  agency code: ${agency}${summary.ous.includes(config.senderCode) ? '' : ` (SENDER_CODE is ${config.senderCode})`}`);
    io.out(`  valid:       ${summary.notBefore.toISOString()} to ${summary.notAfter.toISOString()}`);
    io.out(`  days left:   ${days < 0 ? `expired ${-days} day(s) ago` : days}`);
    io.out(`  sha256:      ${summary.fingerprint}`);
    if (isValidAt(summary, now) && days < EXPIRY_WARNING_DAYS) {
      io.out(`  warning:     expires in ${days} day(s); install its successor as SIGNING_NEXT_KEY_FILE`);
    }
  }
  if (loaded.length === 1 && loaded[0]?.identity) io.out('\nno next key configured (SIGNING_NEXT_KEY_FILE)');
  return loaded.every((l) => l.identity !== undefined) && active !== undefined ? 0 : 1;
}
