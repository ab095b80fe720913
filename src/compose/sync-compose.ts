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
import { createSyncService, type SyncService } from '../sync/sync-service.js';
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

/**
 * The sync service of `start` and `sync`. The province edits its mapping overlay (`mapping
 * synonym add`) while the gateway runs, so before each run the mapping's files are looked at
 * (names, sizes, times) and, when they changed, the effective mapping is loaded again; a
 * changed one (another fingerprint) replaces the service's: the run then maps again the
 * versions the old mapping refused (src/sync/due-rule.ts). One lock for every service built,
 * so a rebuilt service never runs beside the last one. An overlay that no longer loads is
 * logged and the last good mapping is kept.
 */
export function composeSync(
  config: Config, edges: { store: OpenedDatabase; source: OpenedDatabase; signer: CmsSigner; national: NationalSide | undefined; logger: Logger },
): SyncService {
  const contract = nationalContract();
  const lock = createSyncLock(edges.store.db, { sharedServer: !edges.store.embedded });
  const build = (mapping: CompiledMapping): SyncService => createSyncService({
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
    },
  });
  let stamp = mappingFilesStamp(config);
  let mapping = loadEffectiveMapping(config, contract);
  let service = build(mapping);
  return {
    run(options) {
      try {
        const now = mappingFilesStamp(config);
        if (now === stamp) return service.run(options);
        stamp = now;
        const current = loadEffectiveMapping(config, contract);
        if (current.fingerprint !== mapping.fingerprint) {
          edges.logger.info('mapping changed; refused versions are mapped again', { fingerprint: current.fingerprint.slice(0, 12) });
          mapping = current;
          service = build(current);
        }
      } catch (err) {
        edges.logger.error('the mapping or its overlay no longer loads; the sync keeps the mapping loaded before', { error: describeError(err) });
      }
      return service.run(options);
    },
  };
}
