import { DANG_CONG_TAC } from '../contract/national-rules.js';
import type { MappedPerson } from '../mapping/mapped-person.js';
import type { PreparedRecord } from '../packet/packet-builder.js';
import type { PersonState, QueuedVersion, RecordVersion } from '../outbox/outbox-types.js';
import { SyncError } from './sync-error.js';

/**
 * One approved person, mapped and pre-validated, as the version the outbox records:
 * `archive` when the official has left service (tinhTrang other than
 * DANG_CONG_TAC), `upsert` otherwise; approvedAt the approval's time; approvedByUnit the
 * approving unit's agency code. A record byte-identical to the last one the national side
 * accepted (same hash of its JSON) is `unchanged`; one that failed pre-validation is
 * `invalid`, with its errors. Each keeps the fingerprint of the mapping it was made under, so
 * an invalid one is mapped again after a mapping change (due-rule.ts). Pure.
 */
export function toRecordVersion(mapped: MappedPerson, state: PersonState | undefined, mappingFingerprint?: string): RecordVersion {
  const approval = mapped.approval;
  if (!approval) throw new SyncError('sync.approval_missing', `person ${mapped.vendorId} has no approval row`);
  const base = {
    vendorId: mapped.vendorId,
    approvalId: approval.id,
    approvedAt: approval.at ?? new Date(0).toISOString(),
    approvedByUnit: mapped.approvedByUnit,
    soDinhDanh: mapped.soDinhDanh,
    ...(mappingFingerprint === undefined ? {} : { mappingFingerprint }),
  };
  if (!mapped.ok || !approval.at) {
    const errors = mapped.ok
      ? [{ code: 'mapping.approval_time_missing', path: '/approvedAt', source: 'approval', message: 'the approval row has no time' }]
      : mapped.errors;
    return { ...base, operation: 'upsert', status: 'invalid', recordHash: undefined, recordJson: undefined, errors };
  }
  // Without its hash a record could pass for the accepted one: the sync maps with `hash: true`.
  if (mapped.recordHash === undefined) throw new SyncError('sync.hash_missing', `person ${mapped.vendorId} was mapped without its record hash`);
  return {
    ...base,
    operation: mapped.tinhTrang && mapped.tinhTrang !== DANG_CONG_TAC ? 'archive' : 'upsert',
    status: state?.acceptedHash === mapped.recordHash ? 'unchanged' : 'queued',
    recordHash: mapped.recordHash,
    recordJson: mapped.recordJson,
    errors: undefined,
  };
}

/** A queued version as a packet record, its data the record's JSON text. */
export function toPreparedRecord(v: QueuedVersion): PreparedRecord {
  return {
    operation: v.operation,
    soDinhDanh: v.soDinhDanh,
    approvedAt: v.approvedAt,
    ...(v.approvedByUnit ? { approvedByUnit: v.approvedByUnit } : {}),
    dataJson: v.recordJson,
  };
}

/** A version mapped this run, ready to pack; the outbox records it with its packet. */
export function toPendingVersion(v: RecordVersion): QueuedVersion {
  if (v.status !== 'queued' || !v.recordJson || !v.recordHash || !v.soDinhDanh) throw new SyncError('sync.version_not_queued', `version ${v.vendorId}/${v.approvalId} is not queued`);
  return {
    ...(v.source === undefined ? {} : { source: v.source }),
    vendorId: v.vendorId, approvalId: v.approvalId, soDinhDanh: v.soDinhDanh, operation: v.operation,
    approvedAt: v.approvedAt, approvedByUnit: v.approvedByUnit, recordHash: v.recordHash, recordJson: v.recordJson,
    ...(v.mappingFingerprint === undefined ? {} : { mappingFingerprint: v.mappingFingerprint }),
  };
}
