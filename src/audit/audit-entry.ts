import { isGatewayError } from '../errors.js';

/**
 * What one audit entry says (Luật 91/2025/QH15 and Nghị định 356/2025: every read or change of
 * personal data by a person or another system leaves a trace). Every capability that reads or
 * changes personal data on someone's behalf (operators, the transferee pull, the sharing
 * endpoint) appends one entry per request through `AuditLog`; the audit store keeps them
 * append-only and hash-chained (src/audit).
 */
export type AuditActorKind = 'token' | 'client' | 'cli' | 'system';

export interface AuditActor {
  /** `token`: an operator's or auditor's API token; `client`: another agency; `cli`: a local command. */
  kind: AuditActorKind;
  /** The token's name, the client's agency code, or the OS user for the CLI. */
  name: string;
}

export type AuditOutcome = 'ok' | 'refused' | 'error';

export interface AuditEntryInput {
  actor: AuditActor;
  /** Dotted verb, by capability: `ops.packet.view`, `ops.packet.retry`, `transfer.pull`, `share.official.read`. */
  action: string;
  /** Every person (số định danh) whose data was read or changed; empty when none. */
  people?: string[];
  packetId?: string;
  /** An agency code the request was about (a receiving unit, a unit listing). */
  unit?: string;
  /** Field groups returned or changed (`basic`, `employment`, `salary`, `education`, `history`, `sensitive`). */
  fieldGroups?: string[];
  /** Why: the caller's X-Purpose, or an operator's reason for an action. */
  purpose?: string;
  outcome: AuditOutcome;
  /** The refusal's or error's code when the outcome is not `ok`. */
  code?: string;
  requestId?: string;
  /**
   * The provincial database the entry is about, in a merged province (migration 015); unset:
   * 'default', the one database of a one-database province.
   */
  source?: string;
}

export interface AuditLog {
  /** Resolves once the entry is durably in the chain. */
  append(entry: AuditEntryInput): Promise<void>;
}

/** A transaction's statements, as `Db.transaction` hands them (src/db/db.ts `Queryable`). */
export interface AuditTx {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

/**
 * The audit log of a capability whose changes must commit with their entry (an operator's
 * action, a pull): `appendWithin` writes the entry in the change's own transaction, last.
 */
export interface ActionAuditLog extends AuditLog {
  appendWithin(tx: AuditTx, entry: AuditEntryInput): Promise<void>;
  /** Whether this process wrote an entry naming this request id lately (see audit-log.ts). */
  hasEntryFor?(requestId: string): boolean;
}

/**
 * How a request that failed is recorded: `refused` when the error names a 4xx (the request was
 * turned down), `error` otherwise (something of ours failed), with the error's code, or
 * `fallbackCode` for a thrown value that has none. The one place this rule is written.
 */
export function failedOutcome(err: unknown, fallbackCode?: string): { outcome: 'refused' | 'error'; code?: string } {
  const gateway = isGatewayError(err);
  const refused = gateway && err.status !== undefined && err.status < 500;
  const code = gateway ? err.code : fallbackCode;
  return { outcome: refused ? 'refused' : 'error', ...(code === undefined ? {} : { code }) };
}
