import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { X509Certificate } from 'node:crypto';
import type { ActionAuditLog } from '../audit/audit-entry.js';
import { loadWorkingCalendar } from '../calendar/calendar-loader.js';
import { openNationalSide, type NationalSide } from './national-side.js';
import { openSyncEdges } from './sync-edges.js';
import type { Config } from '../config/config.js';
import { ConfigError } from '../config/config-error.js';
import type { Db } from '../db/db.js';
import type { Logger } from '../log/logger.js';
import { loadMapping } from '../mapping/mapping-loader.js';
import type { NdxpClient } from '../ndxp/ndxp-client.js';
import type { CmsSigner } from '../signing/cms-signer.js';
import { DEV_PKI_DIR } from '../signing/dev-pki.js';
import { parseTrustAnchors } from '../signing/trust-anchors.js';
import type { PullSource } from '../transfer/pull-sources.js';
import { createTransferService, PULL_STEPS, type PullStep, type TransferService } from '../transfer/transfer-service.js';

/**
 * What the `pull` and `transfers` commands open: what a sync opens (the migrated store, the
 * provincial database with the embedded demo seeded on first use, the signer), the trust
 * anchors, and the national side (NDXP, or the built-in simulator) only when a pull first
 * needs it, so a refused input never starts it.
 */
export interface TransferEdges {
  store: Db;
  source: Db;
  signer: CmsSigner | undefined;
  national: Pick<NdxpClient, 'pullOfficial'>;
  trustAnchors: X509Certificate[];
  /** A merged province's sources (SOURCES_FILE): a pull stages in the one holding its receiving unit. */
  sources?: PullSource[];
  close(): Promise<void>;
}

/**
 * The trust anchors for the Ministry's envelopes: TRUST_ANCHORS_FILE, or with no configured
 * key the development PKI's (as compose/signer.ts decides; it has created them by then).
 */
export function configuredTrustAnchors(config: Config): X509Certificate[] {
  const file = config.signing.trustAnchorsFile ?? (config.signing.keyFile ? undefined : join(DEV_PKI_DIR, 'trust-anchors.pem'));
  if (!file) throw new ConfigError('TRUST_ANCHORS_FILE is required to verify the Ministry\'s envelopes');
  return parseTrustAnchors(readFileSync(file, 'utf8'), file);
}

export async function openTransferEdges(config: Config, logger: Logger): Promise<TransferEdges> {
  const edges = await openSyncEdges(config, logger, { national: false });
  let side: Promise<NationalSide> | undefined;
  const close = async () => {
    if (side) await (await side).close().catch(() => undefined);
    await edges.close();
  };
  try {
    const national: TransferEdges['national'] = {
      async pullOfficial(soDinhDanh, options) {
        side ??= openNationalSide(config);
        return (await side).client.pullOfficial(soDinhDanh, options);
      },
    };
    return {
      store: edges.store.db, source: edges.source.db, signer: edges.signer, national, trustAnchors: configuredTrustAnchors(config), close,
      ...(edges.handles ? { sources: edges.handles } : {}),
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** The service over opened edges; a year without a calendar file is logged as a warning. */
export function composeTransferService(
  config: Config, edges: Omit<TransferEdges, 'close' | 'signer'>, audit: ActionAuditLog, logger: Logger, today?: () => string,
): TransferService {
  return createTransferService({
    store: edges.store,
    source: edges.source,
    national: edges.national,
    trustAnchors: edges.trustAnchors,
    mapping: loadMapping(config.mappingFile),
    ...(edges.sources ? { sources: edges.sources } : {}),
    calendar: loadWorkingCalendar({ onFallback: (_year, message) => logger.warn(message) }),
    audit,
    logger,
    ...(today ? { today } : {}),
    ...testKillHook(),
  });
}

/**
 * For the kill tests only (test/fault/pull-kill.test.ts): CSDL_GATEWAY_TEST_KILL_AT names a
 * pull step (transfer-service.ts PULL_STEPS) at which the process SIGKILLs itself, once that
 * step has committed. Unset in every real deployment; an unknown step name is refused.
 */
function testKillHook(): { afterStep?: (step: PullStep) => void } {
  const at = process.env.CSDL_GATEWAY_TEST_KILL_AT;
  if (!at) return {};
  if (!(PULL_STEPS as readonly string[]).includes(at)) {
    throw new ConfigError(`CSDL_GATEWAY_TEST_KILL_AT must be one of ${PULL_STEPS.join(', ')}`, 'CSDL_GATEWAY_TEST_KILL_AT');
  }
  return { afterStep: (step) => void (step === at && process.kill(process.pid, 'SIGKILL')) };
}

/** The edges of the two commands, injectable so tests can pass their own (a memory audit log...). */
export interface TransferCommandDeps {
  loadConfig(): Config;
  openEdges(config: Config, logger: Logger): Promise<TransferEdges>;
  openAudit(store: Db, signer: CmsSigner | undefined, logger: Logger): Promise<ActionAuditLog & { close?(): Promise<void> }>;
  /** Who runs the command, for the audit entry. */
  actorName(): string;
  /** Today in Vietnam for deadlines; default the clock's. */
  today?: () => string;
}

/** Runs `work` with the service over opened edges and audit log; closes them after. */
export async function withTransferService<T>(
  deps: TransferCommandDeps, work: (service: TransferService, actor: { kind: 'cli'; name: string }) => Promise<T>,
  createLogger: (config: Config) => Logger,
): Promise<T> {
  const config = deps.loadConfig();
  const logger = createLogger(config);
  const edges = await deps.openEdges(config, logger);
  try {
    const audit = await deps.openAudit(edges.store, edges.signer, logger);
    try {
      const service = composeTransferService(config, edges, audit, logger, deps.today);
      // Start-up recovery: pulls a killed process left unfinished are finished or rolled back first.
      await service.recover();
      return await work(service, { kind: 'cli', name: deps.actorName() });
    } finally {
      await audit.close?.();
    }
  } finally {
    await edges.close();
  }
}
