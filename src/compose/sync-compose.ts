import type { Config } from '../config/config.js';
import type { OpenedDatabase } from './databases.js';
import { MINISTRY_AGENCY_CODE, nationalContract } from '../contract/national-contract.js';
import { createPayloadCodec } from '../encoding/payload-codec.js';
import type { Logger } from '../log/logger.js';
import { loadMapping } from '../mapping/mapping-loader.js';
import { createOutboxStore } from '../outbox/outbox-store.js';
import type { Approval } from '../packet/packet-builder.js';
import { subjectAttributes } from '../signing/certificate-info.js';
import type { CmsSigner } from '../signing/cms-signer.js';
import { OID } from '../signing/oids.js';
import { createSyncLock } from '../sync/sync-lock.js';
import { createSyncService, type SyncDeps, type SyncService } from '../sync/sync-service.js';
import { createOpsActionsService, type OpsActionsService } from '../ops/ops-actions-service.js';
import { createOutboxActionsStore } from '../outbox/outbox-actions-store.js';
import type { AuditLog } from '../audit/audit-entry.js';
import type { NationalSide } from './national-side.js';

/** The first value of a subject attribute, read from the DER: a value may hold ', ' itself. */
function subjectValue(certDer: Buffer, oid: string): string | undefined {
  return subjectAttributes(certDer).find((a) => a.oid === oid)?.value;
}

/**
 * Wires one sync service from configuration and the opened edges. The packet header's
 * approval names who approved the batch: APPROVER_NAME / APPROVER_TITLE, defaulting to the
 * signing certificate's CN and O (issue 5, item 2).
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

type SyncEdgesIn = { store: OpenedDatabase; source: OpenedDatabase; signer: CmsSigner; national: NationalSide | undefined; logger: Logger };

/** What the sync's steps are built from; the sync and the operators' actions share it (and its lock). */
export function syncDepsFrom(config: Config, edges: SyncEdgesIn): SyncDeps {
  const contract = nationalContract();
  return {
    store: createOutboxStore(edges.store.db),
    source: edges.source.db,
    mapping: loadMapping(config.mappingFile, contract),
    codec: createPayloadCodec(contract),
    signer: edges.signer,
    client: edges.national?.client,
    lock: createSyncLock(edges.store.db, { sharedServer: !edges.store.embedded }),
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
    },
  };
}

export function composeSync(config: Config, edges: SyncEdgesIn): SyncService {
  return createSyncService(syncDepsFrom(config, edges));
}

/** The operators' actions over the same steps, lock and national side as `deps`' sync. */
export function composeOpsActions(deps: SyncDeps, store: OpenedDatabase, audit: AuditLog): OpsActionsService {
  return createOpsActionsService({ ...deps, actions: createOutboxActionsStore(store.db), audit });
}
