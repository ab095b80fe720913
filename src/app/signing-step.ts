import { openSigner } from '../compose/signer.js';
import type { StartStep } from './gateway.js';

/**
 * Start-up refuses a bad signing key (compose/signer.ts), names the active identity in the
 * start-up lines, and shows every identity and any expiry warning in /readyz.
 */
export const signingStep: StartStep = async (ctx) => {
  const { signer, ring, origin } = await openSigner(ctx.config, ctx.logger);
  ctx.services.signer = signer;

  const active = ring.status().find((s) => s.state === 'active');
  ctx.summary.push(
    `signing:     ${origin}; ${active ? `${active.subject}, valid until ${active.notAfter.toISOString().slice(0, 10)}` : 'no active key'}`,
  );
  ctx.readiness.push(async function signing() {
    const status = ring.status();
    const warnings = ring.warnings();
    return {
      name: 'signing',
      ok: status.some((s) => s.state === 'active'),
      message: status.map((s) => `${s.state}: ${s.subject} until ${s.notAfter.toISOString().slice(0, 10)}`).join('; '),
      ...(warnings.length ? { warning: warnings.join('; ') } : {}),
    };
  });
};
