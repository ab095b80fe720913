import { Router } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AttemptRecord } from '../ndxp/http-exchange.js';
import type { CmsSigner } from '../signing/cms-signer.js';
import type { AttemptStore } from './attempt-store.js';
import type { MetricsStore } from './metrics-store.js';
import type { OpsStore } from './ops-store.js';

/**
 * GET /metrics (Prometheus text format, no token: it carries no personal data). Every label
 * is a state, an operation, an HTTP status, a code, a registered agency or a granted purpose:
 * never a person, a packet or a token. Names follow Prometheus's conventions (checked by
 * `promtool check metrics` in the tests): base units (seconds), `_total` only on counters,
 * and a moment as a `_timestamp_seconds` gauge rather than an age, so an alert computes the
 * age itself and an absent moment (no checkpoint yet) is absent rather than a misleading 0.
 * The outbox's counts are read from the store on each scrape; NDXP attempts and sharing
 * requests reach their counters from the attempts (send_attempts) and audit entries the store
 * received since the last scrape: so what any process on this store did (a `csdl-gateway
 * sync` run, an operator's retry) is counted, and nothing needs wiring into the NDXP client
 * or the sharing routes. Counters start at 0 with the process, as Prometheus expects.
 */
export interface AuditStats {
  entries: number;
  lastCheckpointAt?: Date;
}

export interface MetricsDeps {
  ops: Pick<OpsStore, 'packetStates' | 'recordStates' | 'oldestOutstanding' | 'failingByCode'>;
  attempts: AttemptStore;
  store: MetricsStore;
  /** Whether the provincial (source) database answers; absent when the gateway reads none. */
  sourceUp?: () => Promise<boolean>;
  /**
   * A merged province (SOURCES_FILE): whether each source's database answers, by source name;
   * in place of `sourceUp`, the same gauge labelled `source`.
   */
  sourcesUp?: () => Promise<Record<string, boolean>>;
  /** The signer, when the gateway has one (the certificate's expiry). */
  signer?: () => Pick<CmsSigner, 'identity'> | undefined;
  /** The audit log's size and last checkpoint (src/audit); undefined while there is none. */
  auditStats?: () => Promise<AuditStats | undefined>;
  /** Transfers past their working-day deadline and not yet taken in (src/transfer). */
  overdueTransfers?: () => Promise<number>;
  clock?: () => Date;
  /** Process metrics (CPU, memory, event loop); off in tests. */
  processMetrics?: boolean;
  /**
   * A merged province's figures per source (SOURCES_FILE): record versions by source and state,
   * open conflicts per source side, and whether the last sync could read each source. Absent for
   * one database, whose /metrics stays as it was.
   */
  sourceFigures?: () => Promise<SourceFigures>;
}

export interface SourceFigures {
  records: { source: string; state: string; n: number }[];
  openConflicts: { source: string; n: number }[];
  /** Each configured source: 1 when the last finished sync read it, 0 when it failed. */
  lastSyncRead: { source: string; ok: boolean }[];
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
/**
 * prom-client's default Node.js metrics, under the names every client library and stock
 * dashboard use (process_cpu_seconds_total, nodejs_heap_size_used_bytes...), less the three
 * gauges it names `_total` (a suffix for counters only): each is the sum of its per-type
 * gauge without the suffix (nodejs_active_handles{type}), so nothing is lost.
 */
const MISNAMED_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export function createMetrics(deps: MetricsDeps): GatewayMetrics {
  const clock = deps.clock ?? (() => new Date());
  const registry = new Registry();
  if (deps.processMetrics) {
    collectDefaultMetrics({ register: registry });
    for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(name);
  }
  const m = (config: { name: string; help: string; labelNames?: string[] }) => ({ ...config, registers: [registry] });
  /**
   * A moment (seconds since the epoch) shown only while there is one: a labelless gauge
   * always prints a value, and 0 would read as "in 1970", so it is registered on the first
   * moment and unregistered when there is none.
   */
  const moment = (name: string, help: string) => {
    let gauge: Gauge | undefined;
    return (at: Date | undefined): void => {
      if (at) (gauge ??= new Gauge(m({ name, help }))).set(at.getTime() / 1000);
      else if (gauge) {
        registry.removeSingleMetric(name);
        gauge = undefined;
      }
    };
  };

  const packets = new Gauge(m({ name: 'csdl_gateway_packets', help: 'Packets in the outbox by state', labelNames: ['state'] }));
  const records = new Gauge(m({ name: 'csdl_gateway_records', help: 'Record versions in the outbox by state', labelNames: ['state'] }));
  const failing = new Gauge(m({ name: 'csdl_gateway_failing_records', help: 'Record versions failing: rejected or invalid, not settled, and still their person\'s latest' }));
  const failingByCode = new Gauge(m({ name: 'csdl_gateway_failing_records_by_code', help: 'Failing record versions by national or mapping error code (a version with two codes counts under each)', labelNames: ['code'] }));
  const lastSync = moment('csdl_gateway_sync_last_success_timestamp_seconds', 'When the newest sync run finished (absent before the first)');
  const awaitingReceipt = new Gauge(m({ name: 'csdl_gateway_oldest_awaiting_receipt_age_seconds', help: 'Time since the oldest packet still waiting for its receipt was sent (0: none waiting)' }));
  const sourceUp = deps.sourceUp && !deps.sourcesUp
    ? new Gauge(m({ name: 'csdl_gateway_source_database_up', help: 'Whether the provincial database answered a probe on this scrape (1) or not (0)' }))
    : undefined;
  const sourcesUp = deps.sourcesUp
    ? new Gauge(m({ name: 'csdl_gateway_source_database_up', help: 'Whether each source\'s provincial database answered a probe on this scrape (1) or not (0)', labelNames: ['source'] }))
    : undefined;
  const shareRequests = new Counter(m({ name: 'csdl_gateway_share_requests_total', help: 'Sharing requests by agency, action, purpose (served requests only) and outcome', labelNames: ['agency', 'action', 'purpose', 'outcome'] }));
  const oldest = new Gauge(m({ name: 'csdl_gateway_oldest_unaccepted_approval_age_seconds', help: 'Age of the oldest approval the gateway is still carrying to the national side, queued or in an open packet (0: none); refused ones are csdl_gateway_failing_records' }));
  const attempts = new Counter(m({ name: 'csdl_gateway_ndxp_attempts_total', help: 'HTTP attempts to NDXP by operation, HTTP status (none: no answer) and national code', labelNames: ['operation', 'status', 'national_code'] }));
  const sendLatency = new Histogram({ ...m({ name: 'csdl_gateway_ndxp_send_seconds', help: 'Duration of packet push attempts' }), buckets: LATENCY_BUCKETS });
  const receiptLatency = new Histogram({ ...m({ name: 'csdl_gateway_ndxp_receipt_seconds', help: 'Duration of receipt poll attempts' }), buckets: LATENCY_BUCKETS });
  const tokenRefreshes = new Counter(m({ name: 'csdl_gateway_ndxp_token_refreshes_total', help: 'OAuth2 token requests to NDXP by outcome', labelNames: ['outcome'] }));
  // A closed label set starts at 0, so a rate is defined from the first scrape.
  for (const outcome of ['ok', 'failed']) tokenRefreshes.inc({ outcome }, 0);
  const certExpiry = new Gauge(m({ name: 'csdl_gateway_signing_certificate_expiry_timestamp_seconds', help: 'When the active signing certificate expires (notAfter)' }));
  const overdue = deps.overdueTransfers
    ? new Gauge(m({ name: 'csdl_gateway_transfers_overdue', help: 'Transferee pulls past their deadline (10 working days after the decision) and not taken in' }))
    : undefined;
  const bySource = deps.sourceFigures
    ? {
        records: new Gauge(m({ name: 'csdl_gateway_source_records', help: "Record versions by the merged province's source they were read from, and state", labelNames: ['source', 'state'] })),
        conflicts: new Gauge(m({ name: 'csdl_gateway_source_conflicts_open', help: 'People two sources approve, not settled yet, by source side', labelNames: ['source'] })),
        read: new Gauge(m({ name: 'csdl_gateway_source_last_sync_read', help: 'Whether the last finished sync read the source (1) or it failed and its people wait (0)', labelNames: ['source'] })),
      }
    : undefined;
  // Registered once the audit log gives figures: an unknown count is not shown as 0.
  let auditEntries: Gauge | undefined;
  const lastCheckpoint = moment('csdl_gateway_audit_last_checkpoint_timestamp_seconds', 'When the latest audit checkpoint was signed (absent: none yet)');

  /** The last attempt counted; scrapes read the tail one after another, so none is counted twice. */
  let tailFrom = '0';
  let reading: Promise<void> = Promise.resolve();
  let auditFrom: Promise<string> | undefined;

  function observeAttempt(a: AttemptRecord): void {
    attempts.inc({ operation: a.operation, status: a.httpStatus === undefined ? 'none' : String(a.httpStatus), national_code: a.nationalCode ?? '' });
    const seconds = a.durationMs / 1000;
    if (a.operation === 'push') sendLatency.observe(seconds);
    if (a.operation === 'receipt') receiptLatency.observe(seconds);
    if (a.operation === 'token') tokenRefreshes.inc({ outcome: a.httpStatus !== undefined && a.httpStatus < 300 ? 'ok' : 'failed' });
  }

  /**
   * Attempts are restored from every one on record at the first scrape (the start-up sync runs
   * before anyone scrapes), then read from where the last scrape stopped: totals of the store's
   * record, which only grows.
   */
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

  async function readShareRequests(): Promise<void> {
    auditFrom ??= deps.store.newestAuditSeq();
    let from = await auditFrom;
    for (;;) {
      const tail = await deps.store.shareRequestsAfter(from, TAIL_BATCH);
      for (const { n, ...labels } of tail.counts) shareRequests.inc(labels, n);
      from = tail.lastSeq;
      auditFrom = Promise.resolve(from);
      if (tail.scanned < TAIL_BATCH) return;
    }
  }

  async function collect(): Promise<void> {
    const now = clock();
    const [p, r, o, f, synced, awaiting, up] = await Promise.all([
      deps.ops.packetStates(), deps.ops.recordStates(), deps.ops.oldestOutstanding(), deps.ops.failingByCode(),
      deps.store.lastSyncFinishedAt(), deps.store.oldestAwaitingReceiptSentAt(), sourceUp ? deps.sourceUp?.() : undefined,
    ]);
    if (sourcesUp && deps.sourcesUp) {
      for (const [source, answers] of Object.entries(await deps.sourcesUp())) sourcesUp.set({ source }, answers ? 1 : 0);
    }
    packets.reset();
    for (const [state, n] of Object.entries(p)) packets.set({ state }, n);
    records.reset();
    for (const [state, n] of Object.entries(r)) records.set({ state }, n);
    failing.set(f.total);
    failingByCode.reset();
    for (const [code, n] of Object.entries(f.byCode)) failingByCode.set({ code }, n);
    oldest.set(o ? Math.max(0, (now.getTime() - o.approvedAt.getTime()) / 1000) : 0);
    lastSync(synced);
    awaitingReceipt.set(awaiting ? Math.max(0, (now.getTime() - awaiting.getTime()) / 1000) : 0);
    if (sourceUp && up !== undefined) sourceUp.set(up ? 1 : 0);
    await readAttempts();
    await readShareRequests();
    const signer = deps.signer?.();
    if (signer) {
      try {
        certExpiry.set(signer.identity(now).summary.notAfter.getTime() / 1000);
      } catch {
        // No identity valid now: the signing readiness check says so; the gauge shows nothing.
        certExpiry.reset();
      }
    }
    if (overdue && deps.overdueTransfers) overdue.set(await deps.overdueTransfers());
    if (bySource && deps.sourceFigures) {
      const figures = await deps.sourceFigures();
      bySource.records.reset();
      for (const r of figures.records) bySource.records.set({ source: r.source, state: r.state }, r.n);
      bySource.conflicts.reset();
      for (const c of figures.openConflicts) bySource.conflicts.set({ source: c.source }, c.n);
      bySource.read.reset();
      for (const s of figures.lastSyncRead) bySource.read.set({ source: s.source }, s.ok ? 1 : 0);
    }
    if (deps.auditStats) {
      const stats = await deps.auditStats();
      if (stats) {
        (auditEntries ??= new Gauge(m({ name: 'csdl_gateway_audit_entries', help: 'Entries in the audit log' }))).set(stats.entries);
        lastCheckpoint(stats.lastCheckpointAt);
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
