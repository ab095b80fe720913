import type { Config } from '../config/config.js';
import { createCmsSigner } from '../signing/cms-signer.js';
import { DEV_PKI_DIR, DEV_PKI_PASSPHRASE, ensureDevPki } from '../signing/dev-pki.js';
import { loadKeyRing, sourceFromPath, type IdentitySource } from '../signing/key-store.js';
import type { StartStep } from './gateway.js';

/**
 * Loads the province's signing key (and its rotation partner), refusing to start on a key that
 * does not match its certificate, is expired, too short, or is not the SENDER_CODE's. With no
 * SIGNING_KEY_FILE, the development PKI under certs/dev is created on first start and used.
 * A certificate expiring within 30 days is logged and shown in /readyz.
 */

function configuredSources(config: Config): IdentitySource[] {
  const { keyFile, certFile, passphrase, next } = config.signing;
  if (!keyFile) return [];
  const sources = [sourceFromPath(keyFile, passphrase, certFile)];
  if (next.keyFile) sources.push(sourceFromPath(next.keyFile, next.passphrase, next.certFile));
  return sources;
}

export const signingStep: StartStep = async (ctx) => {
  const { config, logger } = ctx;
  let sources = configuredSources(config);
  let trustAnchorsFile = config.signing.trustAnchorsFile;
  let origin = 'configured key';
  if (sources.length === 0) {
    const pki = await ensureDevPki(DEV_PKI_DIR, { senderCode: config.senderCode, passphrase: DEV_PKI_PASSPHRASE });
    ctx.services.devPki = pki;
    sources = [sourceFromPath(pki.province.p12, DEV_PKI_PASSPHRASE)];
    trustAnchorsFile ??= pki.trustAnchors;
    origin = pki.created.length > 0 ? `development PKI created in ${DEV_PKI_DIR}` : `development PKI in ${DEV_PKI_DIR}`;
  }
  const ring = await loadKeyRing(sources, { senderCode: config.senderCode });
  for (const warning of ring.warnings()) logger.warn(warning);
  ctx.services.signer = createCmsSigner(ring);
  if (trustAnchorsFile) ctx.services.trustAnchorsFile = trustAnchorsFile;

  const active = ring.status().find((s) => s.state === 'active');
  ctx.summary.push(
    `signing:     ${origin}; ${active ? `${active.subject}, valid until ${active.notAfter.toISOString().slice(0, 10)}` : 'no active key'}`,
  );
  ctx.readiness.push(async function signing() {
    const status = ring.status();
    const usable = status.some((s) => s.state === 'active');
    const warnings = ring.warnings();
    return {
      name: 'signing',
      ok: usable,
      message: status.map((s) => `${s.state}: ${s.subject} until ${s.notAfter.toISOString().slice(0, 10)}`).join('; '),
      ...(warnings.length ? { warning: warnings.join('; ') } : {}),
    };
  });
};
