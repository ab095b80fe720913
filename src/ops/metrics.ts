import { Router } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AttemptRecord } from '../ndxp/http-exchange.js';
import { daysUntilExpiry } from '../signing/signing-identity.js';
import type { CmsSigner } from '../signing/cms-signer.js';
import type { AttemptStore } from './attempt-store.js';
import type { OpsStore } from './ops-store.js';

/**
 * GET /metrics (Prometheus text format, no token: it carries no personal data). Every label
 * is a state, an operation, an HTTP status or a national code: never a person, a packet or a
 * token. The outbox's counts are read from the store on each scrape (failing and outstanding as
 * migration 011 defines them, like the summary and /readyz); NDXP attempts reach the counters
 * and histograms through `observeAttempt`, fed on each scrape from the attempts the store
 * received since the last one (send_attempts): so attempts made by any process on this store
 * (a `csdl-gateway sync` run, an operator's retry) are counted, and nothing needs wiring into
 * the NDXP client. The first scrape restores them from every attempt on record, so the sync run
 * at start-up, before anyone scraped, is counted too: the counters are totals of the store's
 * record, which only grows (a restart reads the same totals back, never fewer). Labelled
 * counters with a closed set of labels start at 0 for each, so a rate is defined from the first
 * scrape.
 */
export interface AuditStats {
  entries: number;
  lastCheckpointAt?: Date;
}

export interface MetricsDeps {
  ops: Pick<OpsStore, 'packetStates' | 'recordStates' | 'oldestOutstanding' | 'failingCount'>;
  attempts: AttemptStore;
  /** The signer, when the gateway has one (the certificate's days to expiry). */
  signer?: () => Pick<CmsSigner, 'identity'> | undefined;
  /** The audit log's size and last checkpoint (src/audit); undefined while there is none. */
  auditStats?: () => Promise<AuditStats | undefined>;
  /** Transfers past their working-day deadline and not yet taken in (src/transfer). */
  overdueTransfers?: () => Promise<number>;
  clock?: () => Date;
  /** Process metrics (CPU, memory, event loop); off in tests. */
  processMetrics?: boolean;
}

export interface GatewayMetrics {
  registry: Registry;
  observeAttempt(attempt: AttemptRecord): void;
  /** Reads what the store holds now into the gauges, then the new attempts into the counters. */
  collect(): Promise<void>;
  router(): Router;
}

const LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const TAIL_BATCH = 5_000;

export function createMetrics(deps: MetricsDeps): GatewayMetrics {
  const clock = deps.clock ?? (() => new Date());
  const registry = new Registry();
  if (deps.processMetrics) collectDefaultMetrics({ register: registry, prefix: 'csdl_gateway_' });
  const m = (config: { name: string; help: string; labelNames?: string[] }) => ({ ...config, registers: [registry] });

  const packets = new Gauge(m({ name: 'csdl_gateway_packets', help: 'Packets in the outbox by state', labelNames: ['state'] }));
  const records = new Gauge(m({ name: 'csdl_gateway_records', help: 'Record versions in the outbox by state', labelNames: ['state'] }));
  const oldest = new Gauge(m({ name: 'csdl_gateway_oldest_unaccepted_approval_age_seconds', help: 'Age of the oldest approval the gateway is still carrying to the national side, queued or in an open packet (0: none); refused ones are csdl_gateway_records_failing' }));
  const failing = new Gauge(m({ name: 'csdl_gateway_records_failing', help: "Record versions failing: rejected or invalid, not settled, and still the person's latest" }));
  const attempts = new Counter(m({ name: 'csdl_gateway_ndxp_attempts_total', help: 'HTTP attempts to NDXP by operation, HTTP status (none: no answer) and national code', labelNames: ['operation', 'status', 'national_code'] }));
  const sendLatency = new Histogram({ ...m({ name: 'csdl_gateway_ndxp_send_seconds', help: 'Duration of packet push attempts' }), buckets: LATENCY_BUCKETS });
  const receiptLatency = new Histogram({ ...m({ name: 'csdl_gateway_ndxp_receipt_seconds', help: 'Duration of receipt poll attempts' }), buckets: LATENCY_BUCKETS });
  const tokenRefreshes = new Counter(m({ name: 'csdl_gateway_ndxp_token_refreshes_total', help: 'OAuth2 token requests to NDXP by outcome', labelNames: ['outcome'] }));
  for (const outcome of ['ok', 'failed']) tokenRefreshes.inc({ outcome }, 0);
  const certDays = new Gauge(m({ name: 'csdl_gateway_signing_certificate_days_to_expiry', help: "Whole days until the active signing certificate expires" }));
  const overdue = deps.overdueTransfers
    ? new Gauge(m({ name: 'csdl_gateway_transfers_overdue', help: 'Transferee pulls past their deadline (10 working days after the decision) and not taken in' }))
    : undefined;
  // Registered once the audit log gives figures: an unknown count is not shown as 0.
  let audit: { entries: Gauge; checkpointAge: Gauge } | undefined;
  const auditGauges = () => (audit ??= {
    entries: new Gauge(m({ name: 'csdl_gateway_audit_entries', help: 'Entries in the audit log' })),
    checkpointAge: new Gauge(m({ name: 'csdl_gateway_audit_checkpoint_age_seconds', help: 'Age of the latest signed audit checkpoint (0: none yet)' })),
  });

  /** The last attempt counted; scrapes read the tail one after another, so none is counted twice. */
  let tailFrom = '0';
  let reading: Promise<void> = Promise.resolve();

  function observeAttempt(a: AttemptRecord): void {
    attempts.inc({ operation: a.operation, status: a.httpStatus === undefined ? 'none' : String(a.httpStatus), national_code: a.nationalCode ?? '' });
    const seconds = a.durationMs / 1000;
    if (a.operation === 'push') sendLatency.observe(seconds);
    if (a.operation === 'receipt') receiptLatency.observe(seconds);
    if (a.operation === 'token') tokenRefreshes.inc({ outcome: a.httpStatus !== undefined && a.httpStatus < 300 ? 'ok' : 'failed' });
  }

  async function readTail(): Promise<void> {
    for (;;) {
      const tail = await deps.attempts.after(tailFrom, TAIL_BATCH);
      for (const a of tail.attempts) observeAttempt(a);
      tailFrom = tail.lastId;
      if (tail.attempts.length < TAIL_BATCH) return;
    }
  }

  function readAttempts(): Promise<void> {
    reading = reading.catch(() => undefined).then(readTail);
    return reading;
  }

  async function collect(): Promise<void> {
    const now = clock();
    const [p, r, o, f] = await Promise.all([deps.ops.packetStates(), deps.ops.recordStates(), deps.ops.oldestOutstanding(), deps.ops.failingCount()]);
    failing.set(f);
    packets.reset();
    for (const [state, n] of Object.entries(p)) packets.set({ state }, n);
    records.reset();
    for (const [state, n] of Object.entries(r)) records.set({ state }, n);
    oldest.set(o ? Math.max(0, (now.getTime() - o.approvedAt.getTime()) / 1000) : 0);
    await readAttempts();
    const signer = deps.signer?.();
    if (signer) {
      try {
        certDays.set(daysUntilExpiry(signer.identity(now).summary, now));
      } catch {
        // No identity valid now: the signing readiness check says so; the gauge shows nothing.
        certDays.reset();
      }
    }
    if (overdue && deps.overdueTransfers) overdue.set(await deps.overdueTransfers());
    if (deps.auditStats) {
      const stats = await deps.auditStats();
      if (stats) {
        const gauges = auditGauges();
        gauges.entries.set(stats.entries);
        gauges.checkpointAge.set(stats.lastCheckpointAt ? (now.getTime() - stats.lastCheckpointAt.getTime()) / 1000 : 0);
      }
    }
  }

  return {
    registry,
    observeAttempt,
    collect,
    router() {
      const router = Router();
      router.get('/metrics', async (_req, res) => {
        await collect();
        res.type(registry.contentType).send(await registry.metrics());
      });
      return router;
    },
  };
}
