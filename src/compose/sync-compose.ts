import type { Config } from '../config/config.js';
import type { OpenedDatabase } from './databases.js';
import { MINISTRY_AGENCY_CODE, nationalContract } from '../contract/national-contract.js';
import { createPayloadCodec } from '../encoding/payload-codec.js';
import type { Logger } from '../log/logger.js';
import { describeError } from '../errors.js';
import type { CompiledMapping } from '../mapping/mapping-compiler.js';
import { loadEffectiveMapping, mappingFilesStamp } from '../mapping/mapping-loader.js';
import { createOutboxStore } from '../outbox/outbox-store.js';
import type { Approval } from '../packet/packet-builder.js';
import { subjectAttributes } from '../signing/certificate-info.js';
import type { CmsSigner } from '../signing/cms-signer.js';
import { OID } from '../signing/oids.js';
import { createSyncLock } from '../sync/sync-lock.js';
import type { SyncLock, SyncTurns } from '../sync/sync-lock.js';
import { createSyncService, type SyncDeps, type SyncService } from '../sync/sync-service.js';
import type { ActionAuditLog } from '../audit/audit-entry.js';
import type { NationalSide } from './national-side.js';
import { holdRemovedSources } from '../sources/removed-source.js';
import { sourceHandles, type SourceHandle } from './source-handles.js';
import { dbWhenNeeded } from './db-when-needed.js';
import { createMergedSyncService } from '../sync/merged-sync-service.js';
import { createOwnershipStore, speakingSource } from '../sources/ownership-store.js';

/** The first value of a subject attribute, read from the DER: a value may hold ', ' itself. */
function subjectValue(certDer: Buffer, oid: string): string | undefined {
  return subjectAttributes(certDer).find((a) => a.oid === oid)?.value;
}

/**
 * Wires one sync service from configuration and the opened edges. The packet header's
 * approval names who approved the batch: APPROVER_NAME / APPROVER_TITLE, defaulting to the
 * signing certificate's CN and O.
 */
export function approvalFrom(config: Config): (signer: CmsSigner, now: Date) => Approval {
  return (signer, now) => {
    const certDer = signer.identity(now).certificate.raw;
    return {
      approvedBy: {
        hoTen: config.approver.name ?? subjectValue(certDer, OID.commonName) ?? config.senderCode,
        chucVu: config.approver.title ?? subjectValue(certDer, OID.organizationName) ?? 'Sở Nội vụ',
      },
      approvedAt: now.toISOString(),
      ky: now.toISOString().slice(0, 7),
    };
  };
}

type SyncEdgesIn = {
  store: OpenedDatabase; source: OpenedDatabase; signer: CmsSigner; national: NationalSide | undefined; logger: Logger;
  /** A merged province's sources (SOURCES_FILE); built from the configuration when absent. */
  handles?: SourceHandle[];
  /** Records conflicts settled by the sources file's conflictPolicy. */
  audit?: ActionAuditLog;
};

/** What the sync's steps are built from, for one compiled mapping and one lock. */
export function syncDepsFrom(config: Config, edges: SyncEdgesIn, mapping: CompiledMapping, lock: SyncLock): SyncDeps {
  const contract = nationalContract();
  return {
    store: createOutboxStore(edges.store.db),
    source: edges.source.db,
    mapping,
    codec: createPayloadCodec(contract),
    signer: edges.signer,
    client: edges.national?.client,
    lock,
    logger: edges.logger,
    settings: {
      senderCode: config.senderCode,
      receiverCode: edges.national?.receiverCode ?? MINISTRY_AGENCY_CODE,
      format: config.packet.format,
      maxRecords: config.packet.maxRecords,
      maxBytes: config.packet.maxBytes,
      approval: approvalFrom(config),
      chunkSize: 500,
      mappingThreads: config.mappingThreads,
      receiptWaitMs: config.receiptWaitMs,
      headsAhead: !edges.source.embedded,
    },
  };
}

/** The sync of `start` and `sync`, and the deps of the mapping in force for the operators' actions. */
export interface ComposedSync extends SyncService {
  deps(): SyncDeps;
  /** The sync lock's turns, which other work on the embedded databases takes (the shared records' refresh). */
  turns: SyncTurns;
  /** A merged province: the deps of the source that speaks for this person (for a re-send). */
  depsFor?(soDinhDanh: string): Promise<SyncDeps>;
}

/**
 * The sync service of `start` and `sync`. The province edits its mapping overlay (`mapping
 * synonym add`) while the gateway runs, so before each run the mapping's files are looked at
 * (names, sizes, times) and, when they changed, the effective mapping is loaded again; a
 * changed one (another fingerprint) replaces the service's: the run then maps again the
 * versions the old mapping refused (src/sync/due-rule.ts). One lock for every service built,
 * and for the operators' actions, so none runs beside another. An overlay that no longer
 * loads is logged and the last good mapping is kept.
 */
export function composeSync(config: Config, edges: SyncEdgesIn): ComposedSync {
  if (config.sources.fromFile) return composeMergedSync(config, edges);
  const contract = nationalContract();
  const lock = createSyncLock(edges.store.db, { sharedServer: !edges.store.embedded });
  let stamp = mappingFilesStamp(config);
  let deps = syncDepsFrom(config, edges, loadEffectiveMapping(config, contract), lock);
  let service = createSyncService(deps);
  const follow = (): void => {
    try {
      const now = mappingFilesStamp(config);
      if (now === stamp) return;
      stamp = now;
      const current = loadEffectiveMapping(config, contract);
      if (current.fingerprint === deps.mapping.fingerprint) return;
      edges.logger.info('mapping changed; refused versions are mapped again', { fingerprint: current.fingerprint.slice(0, 12) });
      deps = syncDepsFrom(config, edges, current, lock);
      service = createSyncService(deps);
    } catch (err) {
      edges.logger.error('the mapping or its overlay no longer loads; the sync keeps the mapping loaded before', { error: describeError(err) });
    }
  };
  return {
    turns: lock,
    run(options) {
      follow();
      return service.run(options);
    },
    deps() {
      follow();
      return deps;
    },
  };
}

/**
 * The sync of a merged province (SOURCES_FILE): every source read side by side into one queue,
 * packed, signed and sent as one stream (src/sync/merged-sync-service.ts). The operators'
 * actions use the first source's mapping and database (deps()).
 */
function composeMergedSync(config: Config, edges: SyncEdgesIn): ComposedSync {
  const lock = createSyncLock(edges.store.db, { sharedServer: !edges.store.embedded });
  const handles = edges.handles ?? sourceHandles(config, edges.logger, new Map([[config.sources.sources[0]!.name, edges.source]]));
  const first = handles[0]!;
  const base = syncDepsFrom(config, edges, first.mapping(), lock);
  const ownership = createOwnershipStore(edges.store.db, { policy: config.sources.conflictPolicy, ...(edges.audit ? { audit: edges.audit } : {}) });
  const service = createMergedSyncService({
    ...base, storeDb: edges.store.db, sources: handles, oneAtATime: edges.store.embedded,
    ownership,
  });
  const names = handles.map((h) => h.name);
  return {
    turns: lock,
    async run(options) {
      // A source no longer in the file sends nothing more: what it left queued is held, with why.
      if (!options?.dryRun) {
        const removed = await holdRemovedSources(edges.store.db, names);
        for (const [source, n] of Object.entries(removed.held)) {
          edges.logger.warn('versions of a source removed from the sources file are held, not sent', { source, versions: n });
        }
        if (removed.released > 0) edges.logger.info('versions of a source listed again go back to the queue', { versions: removed.released });
      }
      return service.run(options);
    },
    deps: () => ({ ...syncDepsFrom(config, edges, first.mapping(), lock), store: createOutboxStore(edges.store.db, first.name) }),
    async depsFor(soDinhDanh) {
      const name = await speakingSource(edges.store.db, soDinhDanh);
      // A source no longer listed: the first's deps; the re-send refuses before reading
      // (removed-source.ts), so its database is opened only when the re-send reads it.
      const handle = handles.find((h) => h.name === name) ?? first;
      const source = dbWhenNeeded(() => handle.db(), `source ${handle.name}`);
      return { ...syncDepsFrom(config, edges, handle.mapping(), lock), source, store: createOutboxStore(edges.store.db, handle.name) };
    },
  };
}
