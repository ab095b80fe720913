import { Router, type Request } from 'express';

/**
 * /healthz: the process is alive. /readyz: every readiness check passes (store reachable,
 * migrations applied, signing key valid...); 503 with the failing checks otherwise. Checks
 * may also report warnings (a certificate expiring within 30 days) without failing.
 *
 * A probe needs yes or no and why, not where the store lives or which certificate signs: the
 * anonymous answer gives each check's name, whether it passes and a reason code; the messages
 * and warnings (store URL, certificate subject, transfer ids) go only to a caller with an
 * API token (operator or auditor), as the rest of the operators' views do.
 */
export interface ReadinessResult {
  name: string;
  ok: boolean;
  /** The reason as a code, for probes and alerts; defaults to `readyz.<name>_failing` / `_warning`. */
  code?: string;
  message?: string;
  warning?: string;
}

export type ReadinessCheck = () => Promise<ReadinessResult>;

/** Whether the request may see the checks' details (a valid API token); false when it cannot tell. */
export type DetailsGate = (req: Request) => Promise<boolean>;

export interface PublicReadiness {
  name: string;
  ok: boolean;
  code?: string;
}

function reasonCode(result: ReadinessResult): string | undefined {
  if (result.code) return result.code;
  if (!result.ok) return `readyz.${result.name}_failing`;
  if (result.warning) return `readyz.${result.name}_warning`;
  return undefined;
}

export function publicReadiness(result: ReadinessResult): PublicReadiness {
  const code = reasonCode(result);
  return { name: result.name, ok: result.ok, ...(code ? { code } : {}) };
}

export function healthController(checks: ReadinessCheck[], detailsAllowed: DetailsGate = async () => false): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (req, res) => {
    const results = await Promise.all(
      checks.map(async (check): Promise<ReadinessResult> => {
        try {
          return await check();
        } catch (err) {
          return { name: check.name || 'check', ok: false, message: (err as Error).message };
        }
      }),
    );
    const ready = results.every((r) => r.ok);
    const details = await detailsAllowed(req).catch(() => false);
    const shown = details ? results.map((r) => ({ ...r, ...(reasonCode(r) ? { code: reasonCode(r) } : {}) })) : results.map(publicReadiness);
    res.setHeader('Cache-Control', 'no-store');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: shown });
  });
  return router;
}
