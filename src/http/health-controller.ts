import { Router } from 'express';

/**
 * /healthz: the process is alive. /readyz: every readiness check passes (store reachable,
 * migrations applied, signing key valid...); 503 with the failing checks otherwise. Checks
 * may also report warnings (a certificate expiring within 30 days) without failing.
 */
export interface ReadinessResult {
  name: string;
  ok: boolean;
  message?: string;
  warning?: string;
}

export type ReadinessCheck = () => Promise<ReadinessResult>;

export function healthController(checks: ReadinessCheck[]): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
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
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: results });
  });
  return router;
}
