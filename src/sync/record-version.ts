import { createHash } from 'node:crypto';
import { agencyOfUnit } from '../mapping/unit-rules.js';
import type { MapResult, Mapping, ReferenceData, RunContext, SourcePerson } from '../mapping/mapping-types.js';
import type { PushRecord } from '../packet/packet-builder.js';
import type { PersonState, QueuedVersion, RecordVersion } from '../outbox/outbox-types.js';

/**
 * One approved person, mapped and pre-validated, as the version the outbox records (issue 5,
 * item 1): `archive` when the official has left service (tinhTrang other than
 * DANG_CONG_TAC), `upsert` otherwise; approvedAt the approval's time; approvedByUnit the
 * approving unit's agency code. A record byte-identical to the last one the national side
 * accepted is `unchanged`; one that failed pre-validation is `invalid`, with its errors.
 * Pure.
 */
export function recordHash(record: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(record)).digest('hex');
}

function approvingAgency(mapping: Mapping, reference: ReferenceData, unitId: string | undefined): string | undefined {
  if (!unitId) return undefined;
  const run: RunContext = { root: undefined, reference, errors: [], warnings: [] };
  return agencyOfUnit(unitId, 'unit', mapping.source.units, run, '/approvedByUnit', 'approval unit');
}

export function toRecordVersion(
  mapping: Mapping, reference: ReferenceData, person: SourcePerson, result: MapResult, state: PersonState | undefined,
): RecordVersion {
  const approval = person.approval;
  if (!approval) throw new Error(`person ${person.vendorId} has no approval row`);
  const base = {
    vendorId: person.vendorId,
    approvalId: approval.id,
    approvedAt: approval.at ?? new Date(0).toISOString(),
    approvedByUnit: approvingAgency(mapping, reference, approval.unitId),
  };
  const soDinhDanh = result.ok ? String(result.record.soDinhDanh) : textOf(person.doc.so_cccd);
  if (!result.ok || !approval.at) {
    const errors = result.ok
      ? [{ code: 'mapping.approval_time_missing', path: '/approvedAt', source: 'approval', message: 'the approval row has no time' }]
      : result.errors;
    return { ...base, soDinhDanh, operation: 'upsert', status: 'invalid', recordHash: undefined, record: undefined, errors };
  }
  const record = result.record;
  const hash = recordHash(record);
  const tinhTrang = (record.tinhTrang as { ma?: string } | undefined)?.ma;
  return {
    ...base,
    soDinhDanh,
    operation: tinhTrang && tinhTrang !== 'DANG_CONG_TAC' ? 'archive' : 'upsert',
    status: state?.acceptedHash === hash ? 'unchanged' : 'queued',
    recordHash: hash,
    record,
    errors: undefined,
  };
}

export function toPushRecord(v: { operation: 'upsert' | 'archive'; soDinhDanh: string; approvedAt: string; approvedByUnit?: string | undefined; record: Record<string, unknown> }): PushRecord {
  return {
    operation: v.operation,
    soDinhDanh: v.soDinhDanh,
    approvedAt: v.approvedAt,
    ...(v.approvedByUnit ? { approvedByUnit: v.approvedByUnit } : {}),
    data: v.record,
  };
}

function textOf(v: unknown): string | undefined {
  return v === null || v === undefined ? undefined : String(v);
}

/** A version the outbox has queued under `id`, in the shape packing takes. */
export function toQueuedVersion(v: RecordVersion, id: string): QueuedVersion {
  if (v.status !== 'queued' || !v.record || !v.soDinhDanh) throw new Error(`version ${v.vendorId}/${v.approvalId} is not queued`);
  return {
    id, vendorId: v.vendorId, soDinhDanh: v.soDinhDanh, operation: v.operation,
    approvedAt: v.approvedAt, approvedByUnit: v.approvedByUnit, record: v.record,
  };
}
