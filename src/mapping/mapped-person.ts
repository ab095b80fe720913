import { createHash } from 'node:crypto';
import type { NationalContract } from '../contract/national-contract.js';
import { encodePayload } from '../encoding/payload-codec.js';
import type { CompiledMapping } from './mapping-compiler.js';
import type { ApprovalRow, MappingProblem, NationalRecord, ReferenceData, RunContext, SourcePerson } from './mapping-types.js';
import { mapPerson } from './person-mapper.js';
import { parseSourcePerson, type RawPerson } from './raw-person.js';
import { agencyOfUnit } from './unit-rules.js';

/**
 * One person mapped for transport: everything the sync and the `map` command need, with the
 * record serialised once (JSON.stringify), and hashed when asked, so no later step
 * stringifies it again.
 * Made of strings and plain data, it crosses a worker thread boundary cheaply
 * (mapping-pool.ts). Pure.
 */
interface MappedBase {
  vendorId: string;
  approval?: ApprovalRow;
  /** The record's số định danh, as mapped even when the record failed (absent if none was). */
  soDinhDanh?: string;
  /** The approving unit's agency code, when the approval names a unit. */
  approvedByUnit?: string;
  warnings: MappingProblem[];
}

export type MappedPerson = MappedBase & (
  | {
    ok: true;
    /** The national record as JSON text, exactly as it goes into a JSON packet. */
    recordJson: string;
    /** sha-256 of recordJson, hex, when asked for (the sync compares it with the accepted one). */
    recordHash?: string;
    /** tinhTrang.ma of the record: anything but DANG_CONG_TAC makes it an archive. */
    tinhTrang?: string;
    /** The record as XML text (xml-encoding.md), when asked for. */
    recordXml?: string;
  }
  | { ok: false; errors: MappingProblem[] }
);

/** What a mapper adds to each valid record beside its JSON: plain data, sent to mapping threads. */
export interface TransportFlags {
  /** Also encode the record as XML (recordXml). */
  xml?: boolean;
  /**
   * Also hash the record's JSON (recordHash). Only the sync needs it, to compare with the
   * accepted record; the map command and the bench go without (sha-256 of a record measured
   * 6-7 µs, about 3 % of mapping a person).
   */
  hash?: boolean;
}

/** The flags made ready to run: the XML encoder is a function, so it cannot cross to a thread. */
export interface TransportOptions {
  encodeXml?: (record: NationalRecord) => string;
  hash?: boolean;
}

export function transportOptions(contract: NationalContract, flags: TransportFlags): TransportOptions {
  const hash = flags.hash === true;
  if (flags.xml !== true) return { hash };
  return { hash, encodeXml: (record) => encodePayload('record', 'xml', record, contract).toString('utf8') };
}

function hashRecordJson(json: string): string {
  return createHash('sha256').update(json).digest('hex');
}

function approvingAgency(mapping: CompiledMapping, reference: ReferenceData, unitId: string | undefined): string | undefined {
  if (!unitId || !mapping.source.units) return undefined;
  const run: RunContext = { root: undefined, reference, errors: [], warnings: [] };
  return agencyOfUnit(unitId, 'unit', mapping.source.units, run, '/approvedByUnit', 'approval unit');
}

function mapForTransport(
  mapping: CompiledMapping, person: SourcePerson, reference: ReferenceData, options: TransportOptions = {},
): MappedPerson {
  const result = mapPerson(mapping, person, reference);
  const approvedByUnit = approvingAgency(mapping, reference, person.approval?.unitId);
  const base: MappedBase = {
    vendorId: person.vendorId,
    ...(person.approval ? { approval: person.approval } : {}),
    ...(approvedByUnit !== undefined ? { approvedByUnit } : {}),
    warnings: result.warnings,
  };
  if (!result.ok) {
    const soDinhDanh = result.record.soDinhDanh;
    return { ...base, ...(typeof soDinhDanh === 'string' ? { soDinhDanh } : {}), ok: false, errors: result.errors };
  }
  const record = result.record;
  const recordJson = JSON.stringify(record);
  const tinhTrang = (record.tinhTrang as { ma?: string } | undefined)?.ma;
  return {
    ...base,
    soDinhDanh: String(record.soDinhDanh),
    ok: true,
    recordJson,
    ...(options.hash ? { recordHash: hashRecordJson(recordJson) } : {}),
    ...(tinhTrang !== undefined ? { tinhTrang } : {}),
    ...(options.encodeXml ? { recordXml: options.encodeXml(record) } : {}),
  };
}

/** A chunk as read (row JSON texts), parsed and mapped in order: what one mapping job does. */
export function mapRawChunk(
  mapping: CompiledMapping, raws: readonly RawPerson[], reference: ReferenceData, options: TransportOptions,
): MappedPerson[] {
  return raws.map((raw) => mapForTransport(mapping, parseSourcePerson(raw), reference, options));
}
