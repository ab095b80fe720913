import type { Express, Router } from 'express';
import type { ActionAuditLog } from '../audit/audit-entry.js';
import type { Config } from '../config/config.js';
import { openMigratedStore, openSourceDatabase, type OpenedDatabase } from '../compose/databases.js';
import { storeReadiness } from '../http/store-readiness.js';
import type { ReadinessCheck } from '../http/health-controller.js';
import { createHttpApp } from '../http/http-app.js';
import type { Logger } from '../log/logger.js';
import type { OpenApiFragment } from '../http/openapi.js';
import { createTokenService } from '../tokens/token-service.js';
import { createTokenStore } from '../tokens/token-store.js';
import type { RequestListener } from 'node:http';
import type { FastRoute } from '../share/share-fast-path.js';
import { clientCertificateGate, clientCertificateRefusal } from './client-certificate-gate.js';
import { bindHttp, type HttpListener } from './http-listener.js';

/**
 * The running gateway, wired in one place: databases, migrations, the HTTP server and, as
 * later capabilities land, the signer, the national simulator and the sync schedule.
 * `startGateway` returns once everything listens; `stop` undoes it in reverse order.
 */
export interface RunningGateway {
  port: number;
  /** The composed HTTP app (its routing table is what tests hold against the OpenAPI document). */
  app: Express;
  store: OpenedDatabase;
  source: OpenedDatabase;
  summary: string[];
  /** The base URL clients on this machine use (http or https, the bound port). */
  url: string;
  /**
   * Stops in order: no new connection, in-flight requests and the running sync's current step
   * given SHUTDOWN_TIMEOUT_MS, then the steps' own stops, last started first, then the databases.
   */
  stop(): Promise<void>;
}

/** Filled by start steps, read by later ones; each capability adds its entry. */
export interface Services {
  signer?: import('../signing/cms-signer.js').CmsSigner;
  /** The audit log every read or change of personal data appends to (src/audit). */
  audit?: ActionAuditLog;
  /** The national side (NDXP or the built-in simulator), opened by the sync step; transfers pull through it. */
  national?: import('../compose/national-side.js').NationalSide;
  /**
   * The rehearsal's other demo databases (DEMO_SOURCES=2) by source name, opened and seeded by
   * the demo step and read by the sync: an embedded database starts once, before the sync runs.
   */
  demoSources?: Map<string, OpenedDatabase>;
  /**
   * The sync lock's turns (the sync step's): work on the embedded databases that would wait
   * beside a sync for their one connection takes its turn (the shared records' refresh).
   */
  syncTurns?: import('../sync/sync-lock.js').SyncTurns;
  /**
   * A merged province's sources (SOURCES_FILE or DEMO_SOURCES=2), opened by the sync step:
   * the sync reads them, a pull looks for its receiving unit in them, sharing copies their unit
   * trees. Unset for one database (ctx.source).
   */
  sourceHandles?: import('../compose/source-handles.js').SourceHandle[];
  /** The shared records' first refresh, started by the sharing step (settles, never rejects). */
  firstShareRefresh?: Promise<unknown>;
}

export type StartStep = (ctx: StartContext) => Promise<void>;

export interface StartContext {
  config: Config;
  logger: Logger;
  store: OpenedDatabase;
  source: OpenedDatabase;
  /** Lines printed at start-up: what runs and where. */
  summary: string[];
  /** Checks behind /readyz; steps add their own. */
  readiness: ReadinessCheck[];
  /** What steps make for later steps (the signer, the simulator's URL...). */
  services: Services;
  /** Routers a capability mounts (operators' /api/ops, /api/transfers, /share/v1...). */
  routers: Router[];
  /** The OpenAPI fragments describing those routes (src/http/openapi.ts). */
  openApi: OpenApiFragment[];
  /**
   * Routes answered before express when their request is plain (the sharing read,
   * src/share/share-fast-path.ts); each takes a request (true) or leaves it to the app.
   */
  fastRoutes?: FastRoute[];
  /** Run at stop, last registered first. */
  onStop(fn: () => Promise<void>): void;
  /** Aborted when the gateway begins to stop: long work (a sync) ends at its next commit boundary. */
  stopping?: AbortSignal;
  /** Run (not awaited) once every step has run, before the HTTP server serves. */
  afterSteps?(fn: () => void): void;
}

/**
 * The HTTP app `start` serves, once the steps have filled `ctx`: their routers (behind the
 * client-certificate gate with TLS client authentication), their fragments, their readiness
 * checks, the store's tokens and the audit log. Tests that need the served app without a
 * listener or a process build it here, so they hold what `start` serves.
 */
export function gatewayHttpApp(ctx: Pick<StartContext, 'config' | 'logger' | 'store' | 'readiness' | 'routers' | 'openApi' | 'services'>): Express {
  const tokens = createTokenService(createTokenStore(ctx.store.db));
  const routers = ctx.config.tls?.clientCaFile ? [clientCertificateGate(), ...ctx.routers] : ctx.routers;
  return createHttpApp({
    logger: ctx.logger, readiness: ctx.readiness, routers, openApi: ctx.openApi, tokens, ...(ctx.services.audit ? { audit: ctx.services.audit } : {}),
  });
}

/**
 * What the listener serves: the fast routes first, then the express app. With TLS client
 * authentication a fast route sees only requests whose certificate the gate admits; the rest
 * reach the gate in the app, which refuses them as before.
 */
export function gatewayRequestListener(ctx: Pick<StartContext, 'config' | 'fastRoutes'>, app: RequestListener): RequestListener {
  const fast = ctx.fastRoutes ?? [];
  if (fast.length === 0) return app;
  const gated = Boolean(ctx.config.tls?.clientCaFile);
  return (req, res) => {
    if (!gated || clientCertificateRefusal(req.socket) === undefined) {
      for (const route of fast) if (route(req, res)) return;
    }
    app(req, res);
  };
}

export async function startGateway(config: Config, logger: Logger, steps: StartStep[] = []): Promise<RunningGateway> {
  // Bound first: a taken port is said before the databases open or a sync runs.
  const http: HttpListener = await bindHttp(config);
  const stopping = new AbortController();
  const stoppers: (() => Promise<void>)[] = [];
  let stopped: Promise<void> | undefined;
  const stopAll = () => (stopped ??= (async () => {
    stopping.abort();
    const inTime = await http.drain(config.shutdownTimeoutMs);
    if (!inTime) logger.warn('stopping: requests still running after SHUTDOWN_TIMEOUT_MS were cut', { timeoutMs: config.shutdownTimeoutMs });
    for (const fn of stoppers.reverse()) await fn().catch((err) => logger.warn('stop step failed', { error: String(err) }));
  })());
  try {
    const { store, applied } = await openMigratedStore(config);
    stoppers.push(() => store.close());
    const source = await openSourceDatabase(config);
    stoppers.push(() => source.close());

    const summary = [
      `store:       ${store.embedded ? `embedded PostgreSQL (PGlite) in ${config.dataDir}/store` : store.db.description}` +
        (applied.length ? ` (migrations applied: ${applied.join(', ')})` : ''),
      `provincial:  ${source.embedded ? `embedded demo database in ${config.dataDir}/provincial` : source.db.description}`,
    ];
    const afterSteps: (() => void)[] = [];
    const ctx: StartContext = {
      config, logger, store, source, summary,
      readiness: [storeReadiness(store.db)],
      services: {},
      routers: [],
      openApi: [],
      fastRoutes: [],
      onStop: (fn) => stoppers.push(fn),
      afterSteps: (fn) => afterSteps.push(fn),
      stopping: stopping.signal,
    };
    for (const step of steps) await step(ctx);
    for (const fn of afterSteps) fn();

    const app = gatewayHttpApp(ctx);
    http.serve(gatewayRequestListener(ctx, app));
    const listening = config.host === '127.0.0.1' || config.host === '::1' || config.host === 'localhost' ? 'loopback only; HOST to change' : `listening on ${config.host}`;
    summary.unshift(`http:        ${http.url} (/healthz, /readyz; ${listening})`);
    return { port: http.port, url: http.url, app, store, source, summary, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
