import type { Router } from 'express';
import type { AuditLog } from '../audit/audit-entry.js';
import { nationalContract } from '../contract/national-contract.js';
import type { Db, Queryable } from '../db/db.js';
import { createPayloadCodec } from '../encoding/payload-codec.js';
import type { ReadinessCheck } from '../http/health-controller.js';
import type { OpenApiFragment } from '../http/openapi.js';
import type { CmsSigner } from '../signing/cms-signer.js';
import { createAttemptStore } from '../ops/attempt-store.js';
import { createMetrics, type AuditStats, type GatewayMetrics } from '../ops/metrics.js';
import { createMetricsStore, databaseAnswers } from '../ops/metrics-store.js';
import { metricsOpenApi } from '../ops/metrics-openapi.js';
import { opsOpenApi } from '../ops/ops-openapi.js';
import { opsReadiness } from '../ops/ops-readiness.js';
import { sourcesReadiness } from '../sources/sources-readiness.js';
import { sourceFigures } from '../sources/source-figures.js';
import { opsRouter } from '../ops/ops-router.js';
import { createOpsService, type OpsService } from '../ops/ops-service.js';
import { createOpsStore } from '../ops/ops-store.js';
import { acrossSourcesExplainer, createPersonExplainer, sourceExplainer, type PersonExplainer, type PersonFinder, type PersonSource, type SourceExplainer } from '../ops/person-explain-service.js';
import { sourcesOf } from '../ops/refusal-store.js';
import { removedSourceGuard } from '../sources/removed-source.js';
import { DEFAULT_SOURCE } from '../sources/sources-file.js';
import { sourceUnavailable } from '../sources/sources-error.js';
import type { Mapping } from '../mapping/mapping-types.js';
import { readPersonDocument, vendorIdsByCmnd } from '../source/person-finder.js';

/**
 * The operators' capability wired over a store: the read service (for the API and `tx`), its
 * router and OpenAPI fragment, the metrics and the /readyz warnings. One place, so the start
 * step and the tests compose it the same way.
 */
export interface OpsDeps {
  db: Db;
  /** The provincial database, probed on each scrape (csdl_gateway_source_database_up). */
  source?: Queryable;
  /** With `source`, serves the explained person lookups (`/api/ops/people/{key}/explain`). */
  mapping?: Mapping;
  audit: AuditLog;
  signer?: () => CmsSigner | undefined;
  auditStats?: () => Promise<AuditStats | undefined>;
  overdueTransfers?: () => Promise<number>;
  workingDaysBetween: (from: Date, to: Date) => number;
  processMetrics?: boolean;
  /** A merged province's sources, each probed on each scrape (csdl_gateway_source_database_up{source}). */
  sourceDatabases?: readonly { name: string; db(): Promise<Queryable> }[];
  /** A merged province's sources with their mappings: `/api/ops/people/{key}/explain?source=NAME`. */
  sourceExplainers?: readonly { name: string; db(): Promise<Queryable>; mapping(): Mapping }[];
  /** A merged province's source names (SOURCES_FILE): /readyz names the sources the last sync could not read; /metrics has per-source figures. */
  mergedSources?: readonly string[];
}

export interface OpsCapability {
  service: OpsService;
  routers: Router[];
  /** The read API and /metrics. */
  openApi: OpenApiFragment;
  metrics: GatewayMetrics;
  readiness: ReadinessCheck;
  /** A merged province's sources in /readyz (failed sources, old conflicts); absent for one database. */
  sourcesReadiness?: ReadinessCheck;
}

export function opsService(db: Db, audit: AuditLog): OpsService {
  return createOpsService({ store: createOpsStore(db), audit, codec: createPayloadCodec(nationalContract()) });
}

/** The provincial database as a person's explanation reads it, through the mapping. */
export function personSource(source: Queryable, mapping: Mapping): PersonSource {
  return {
    mapping: mapping.name,
    personTable: mapping.source.table,
    cmndColumn: mapping.source.persons.cmnd,
    vendorIdsByCmnd: async (cmnd) => (await vendorIdsByCmnd(source, mapping, cmnd)) ?? [],
    document: async (vendorId) => (await readPersonDocument(source, mapping, vendorId))?.doc,
  };
}

/**
 * `tx person`'s lookups and explained refusals over a store, the provincial database and the
 * mapping. With `sourceName`, a merged province's one source: only its versions (a vendor id
 * names a person within one source), and its database; without a database (a source removed
 * from the file) the stored versions only.
 */
export function personExplainer(db: Db, audit: AuditLog, source: { db: Queryable; mapping: Mapping } | undefined, sourceName?: string): PersonExplainer & PersonFinder {
  const reads: PersonSource = source ? personSource(source.db, source.mapping) : {
    mapping: '(source not configured)', personTable: '', cmndColumn: undefined,
    vendorIdsByCmnd: async () => [], document: async () => undefined,
  };
  return createPersonExplainer({ db, store: createOpsStore(db), audit, source: reads, ...(sourceName !== undefined ? { sourceName } : {}) });
}

/**
 * A merged province's person looked up in every source (`tx person` without `--source`,
 * `explain` without `?source=`): each listed source through its own database and mapping, and
 * the removed sources holding the person's versions from those versions only.
 */
export function personExplainerAcrossSources(db: Db, audit: AuditLog, sources: readonly { name: string; db(): Promise<Queryable>; mapping(): Mapping }[]): PersonExplainer {
  return acrossSourcesExplainer(audit, sources.map((s) => ({
    name: s.name,
    finder: async () => personExplainer(db, audit, { db: await openedSource(s), mapping: s.mapping() }, s.name),
  })), async (lookup, listed) => {
    if (lookup.by === 'cmnd') return [];
    const holding = await sourcesOf(db, lookup.by, lookup.value);
    return holding.filter((name) => !listed.includes(name)).map((name) => ({ name, finder: async () => personExplainer(db, audit, undefined, name) }));
  });
}

/** A listed source's database, or `sources.source_unavailable` when it does not open (its own error kept as the cause). */
export async function openedSource<D>(source: { name: string; db(): Promise<D> }): Promise<D> {
  try {
    return await source.db();
  } catch (err) {
    throw sourceUnavailable(source.name, err);
  }
}

/**
 * A merged province's explanation from one source, by name, as `tx person --source`: a listed
 * source through its database and mapping; a source removed from the file (the store knows it)
 * from its stored versions only; any other name refused with `sources.unknown_source`.
 */
export function personExplainerBySource(db: Db, audit: AuditLog, sources: readonly { name: string; db(): Promise<Queryable>; mapping(): Mapping }[]): SourceExplainer {
  const names = sources.map((s) => s.name);
  const removed = removedSourceGuard(db, names);
  return sourceExplainer(audit, async (name) => {
    const listed = sources.find((s) => s.name === name);
    if (listed) return personExplainer(db, audit, { db: await openedSource(listed), mapping: listed.mapping() }, name);
    return (await removed.isRemoved(name)) ? personExplainer(db, audit, undefined, name) : undefined;
  }, names);
}

/**
 * Whether each source answers, by name: opened when first asked (a source that could not open
 * is tried again on the next scrape) and probed, each within `timeoutMs`, side by side.
 */
export async function sourcesAnswer(sources: readonly { name: string; db(): Promise<Queryable> }[], timeoutMs = 3000): Promise<Record<string, boolean>> {
  const answers = await Promise.all(sources.map(async (s) => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref();
    });
    try {
      const up = await Promise.race([s.db().then((db) => databaseAnswers(db, timeoutMs), () => false), late]);
      return [s.name, up] as const;
    } finally {
      clearTimeout(timer);
    }
  }));
  return Object.fromEntries(answers);
}

export function composeOps(deps: OpsDeps): OpsCapability {
  const ops = createOpsStore(deps.db);
  const attempts = createAttemptStore(deps.db);
  const service = opsService(deps.db, deps.audit);
  const source = deps.source;
  // A merged province's person is looked up in every source; one database's in it.
  const explainer = deps.sourceExplainers ? personExplainerAcrossSources(deps.db, deps.audit, deps.sourceExplainers)
    : source && deps.mapping ? personExplainer(deps.db, deps.audit, { db: source, mapping: deps.mapping }) : undefined;
  // `?source=NAME`: a merged province's one source; one database answers to its one name only.
  const bySource = deps.sourceExplainers ? personExplainerBySource(deps.db, deps.audit, deps.sourceExplainers)
    : explainer ? sourceExplainer(deps.audit, async (name) => (name === DEFAULT_SOURCE ? explainer : undefined), [DEFAULT_SOURCE]) : undefined;
  const metrics = createMetrics({
    ops, attempts, store: createMetricsStore(deps.db),
    ...(source ? { sourceUp: () => databaseAnswers(source) } : {}),
    ...(deps.sourceDatabases ? { sourcesUp: () => sourcesAnswer(deps.sourceDatabases ?? []) } : {}),
    ...(deps.signer ? { signer: deps.signer } : {}), ...(deps.auditStats ? { auditStats: deps.auditStats } : {}),
    ...(deps.overdueTransfers ? { overdueTransfers: deps.overdueTransfers } : {}),
    processMetrics: deps.processMetrics ?? false,
    ...(deps.mergedSources ? { sourceFigures: () => sourceFigures(deps.db, deps.mergedSources ?? []) } : {}),
  });
  return {
    service,
    routers: [opsRouter(service, explainer, bySource), metrics.router()],
    openApi: { ...opsOpenApi, paths: { ...opsOpenApi.paths, ...metricsOpenApi.paths } },
    metrics,
    readiness: opsReadiness({ ops, attempts, workingDaysBetween: deps.workingDaysBetween }),
    ...(deps.mergedSources ? { sourcesReadiness: sourcesReadiness({ ops, workingDaysBetween: deps.workingDaysBetween }) } : {}),
  };
}
