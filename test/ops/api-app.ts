import type { Server } from 'node:http';
import type { Express, Router } from 'express';
import { nationalContract } from '../../src/contract/national-contract.js';
import type { Db, Queryable } from '../../src/db/db.js';
import { createPayloadCodec } from '../../src/encoding/payload-codec.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { silentLogger } from '../../src/log/logger.js';
import type { OpenApiFragment } from '../../src/http/openapi.js';
import { opsOpenApi } from '../../src/ops/ops-openapi.js';
import { opsRouter } from '../../src/ops/ops-router.js';
import { personExplainer } from '../../src/compose/ops-compose.js';
import type { Mapping } from '../../src/mapping/mapping-types.js';
import { createOpsService } from '../../src/ops/ops-service.js';
import { createOpsStore } from '../../src/ops/ops-store.js';
import { createTokenService } from '../../src/tokens/token-service.js';
import { createTokenStore } from '../../src/tokens/token-store.js';
import { memoryAuditLog, type MemoryAuditLog } from '../setup/memory-audit-log.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- API answers are known JSON, read by the tests */
/**
 * The gateway's HTTP app over a migrated store with the operators' routes, as `start`
 * composes it (src/app/ops-step.ts), and one token of each kind a test needs: an operator,
 * an auditor, one expired (created with a clock 10 days back, valid 1 day), one revoked.
 */
export interface ApiApp {
  base: string;
  app: Express;
  audit: MemoryAuditLog;
  tokens: { operator: string; auditor: string; expired: string; revoked: string };
  get(path: string, token?: string): Promise<{ status: number; body: any; raw: Buffer; type: string | null }>;
  close(): Promise<void>;
}

export async function startApiApp(db: Db, extra: { routers?: Router[]; openApi?: OpenApiFragment[]; explain?: { source: Queryable; mapping: Mapping } } = {}): Promise<ApiApp> {
  const store = createTokenStore(db);
  const service = createTokenService(store);
  const back = createTokenService(store, () => new Date(Date.now() - 10 * 86_400_000));
  const suffix = Math.random().toString(36).slice(2, 8);
  const tokens = {
    operator: (await service.create({ name: `op-${suffix}`, role: 'operator' })).token,
    auditor: (await service.create({ name: `aud-${suffix}`, role: 'auditor' })).token,
    expired: (await back.create({ name: `old-${suffix}`, role: 'operator', expiresDays: 1 })).token,
    revoked: (await service.create({ name: `gone-${suffix}`, role: 'operator' })).token,
  };
  await service.revoke(`gone-${suffix}`);
  const audit = memoryAuditLog();
  const ops = createOpsService({ store: createOpsStore(db), audit, codec: createPayloadCodec(nationalContract()) });
  const app = createHttpApp({ logger: silentLogger(), readiness: [], routers: [opsRouter(ops, extra.explain ? personExplainer(db, audit, { db: extra.explain.source, mapping: extra.explain.mapping }) : undefined), ...(extra.routers ?? [])], openApi: [opsOpenApi, ...(extra.openApi ?? [])], tokens: service });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1');
    s.once('listening', () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    base, app, audit, tokens,
    async get(path, token) {
      const res = await fetch(`${base}${path}`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
      const raw = Buffer.from(await res.arrayBuffer());
      const type = res.headers.get('content-type');
      let body: any;
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        body = undefined;
      }
      return { status: res.status, body, raw, type };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
