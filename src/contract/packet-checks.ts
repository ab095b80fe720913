import type { NationalContract } from './national-contract.js';
import type { RecordProblem } from './national-rules.js';
import { createNationalValidator } from './record-validator.js';
import { createSchemaValidators } from './schema-validators.js';

/**
 * A decoded push packet checked as the national side checks it, split the way the contract
 * answers (README, "Push"):
 *
 * - `packetProblems` make the packet as a whole unacceptable, and nothing of it is stored.
 *   SCHEMA_INVALID (answer 400): the header against its schema, `records` an array of 1 to
 *   500 objects each naming a `soDinhDanh` string, `header.recordCount` equal to the number
 *   of records. AGENCY_ID_INCORRECT (answer 403): `header.sender` is not the caller's
 *   X-Consumer-Code.
 * - `recordProblems[i]` are the problems of `records[i]` alone (its schema problems
 *   included, paths relative to the record: `/data/luong/heSo`). The packet is still
 *   received; record i gets the receipt result `rejected` with these errors and the others
 *   are stored. A record can be answered this way only because it names its soDinhDanh (the
 *   receipt's key), which is why a record that is not an object or lacks a soDinhDanh
 *   string makes the whole packet malformed instead.
 *
 * A simulator answers 400/403 when `packetProblems` is not empty (403 when any problem is
 * AGENCY_ID_INCORRECT, as the signer's identity is checked before the content) and
 * otherwise 202, rejecting the records whose list is not empty. Size limits (413) and
 * duplicate identities across senders are the caller's concern: they need configuration
 * and state.
 */
export type PacketProblemCode = 'SCHEMA_INVALID' | 'AGENCY_ID_INCORRECT';

export interface PacketProblem {
  code: PacketProblemCode;
  path: string;
  message: string;
}

export interface PacketCheck {
  packetProblems: PacketProblem[];
  /** One list per record, in order; empty when `records` is not an array. */
  recordProblems: RecordProblem[][];
}

export interface PacketCheckOptions {
  /** The caller's agency code (X-Consumer-Code), which `header.sender` must equal. */
  consumerCode: string;
}

export type PacketChecker = (packet: unknown, options: PacketCheckOptions) => PacketCheck;

function field(v: unknown, name: string): unknown {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>)[name] : undefined;
}

const checkers = new WeakMap<NationalContract, PacketChecker>();

export function createPacketChecker(contract: NationalContract): PacketChecker {
  const known = checkers.get(contract);
  if (known) return known;
  const schemas = createSchemaValidators(contract);
  const records = createNationalValidator(contract);
  const checker: PacketChecker = (packet, { consumerCode }) => {
    const packetProblems: PacketProblem[] = schemas
      .packetShell(packet)
      .map((p) => ({ code: 'SCHEMA_INVALID', path: p.path, message: p.message }));
    const header = field(packet, 'header');
    const items = field(packet, 'records');
    const count = field(header, 'recordCount');
    if (Array.isArray(items) && typeof count === 'number' && count !== items.length) {
      packetProblems.push({
        code: 'SCHEMA_INVALID',
        path: '/header/recordCount',
        message: `recordCount is ${count} but the packet holds ${items.length} records: expected ${items.length}`,
      });
    }
    const sender = field(header, 'sender');
    if (typeof sender === 'string' && sender !== consumerCode) {
      packetProblems.push({
        code: 'AGENCY_ID_INCORRECT',
        path: '/header/sender',
        message: `header.sender ${sender} is not the caller's X-Consumer-Code: expected ${consumerCode}`,
      });
    }
    const recordProblems = Array.isArray(items) ? items.map((rec) => records.validatePushRecord(rec)) : [];
    return { packetProblems, recordProblems };
  };
  checkers.set(contract, checker);
  return checker;
}
