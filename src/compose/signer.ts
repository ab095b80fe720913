import type { Config } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import { createCmsSigner, type CmsSigner } from '../signing/cms-signer.js';
import { DEV_PKI_DIR, DEV_PKI_PASSPHRASE, ensureDevPki, type DevPkiFiles } from '../signing/dev-pki.js';
import type { KeyRing } from '../signing/key-ring.js';
import { loadKeyRing, sourceFromPath, type IdentitySource } from '../signing/key-store.js';
import { describeLocation } from '../signing/signature-key.js';

/**
 * The province's signer: the configured key (and its rotation partner), in a file or on a
 * PKCS#11 token (a pkcs11: SIGNING_KEY_FILE; token-identity.ts), or, with no
 * SIGNING_KEY_FILE, the development PKI under certs/dev, created on first use. Loading
 * refuses a key that does not match its certificate, is expired, too short, or is not the
 * SENDER_CODE's; expiry within 30 days is logged.
 */
export interface OpenedSigner {
  signer: CmsSigner;
  ring: KeyRing;
  /** "configured key" and where it lives (file or token), or where the development PKI is. */
  origin: string;
  trustAnchorsFile: string | undefined;
  devPki: DevPkiFiles | undefined;
}

function configuredSources(config: Config): IdentitySource[] {
  const { keyFile, certFile, passphrase, next, pkcs11Module } = config.signing;
  if (!keyFile) return [];
  const sources = [sourceFromPath(keyFile, passphrase, certFile, pkcs11Module)];
  if (next.keyFile) sources.push(sourceFromPath(next.keyFile, next.passphrase, next.certFile, pkcs11Module));
  return sources;
}

export async function openSigner(config: Config, logger: Logger): Promise<OpenedSigner> {
  let sources = configuredSources(config);
  let trustAnchorsFile = config.signing.trustAnchorsFile;
  let devPki: DevPkiFiles | undefined;
  let origin = 'configured key';
  if (sources.length === 0) {
    devPki = await ensureDevPki(DEV_PKI_DIR, { senderCode: config.senderCode, passphrase: DEV_PKI_PASSPHRASE });
    sources = [sourceFromPath(devPki.province.p12, DEV_PKI_PASSPHRASE)];
    trustAnchorsFile ??= devPki.trustAnchors;
    origin = devPki.created.length > 0 ? `development PKI created in ${DEV_PKI_DIR}` : `development PKI in ${DEV_PKI_DIR}`;
  }
  const ring = await loadKeyRing(sources, { senderCode: config.senderCode });
  // Where the active key lives, for the start-up line: a file, or a token by label and serial.
  if (devPki === undefined) origin = `configured key, ${describeLocation(ring.current().key.location)}`;
  for (const warning of ring.warnings()) logger.warn(warning);
  return { signer: createCmsSigner(ring), ring, origin, trustAnchorsFile, devPki };
}
