import type { Queryable } from '../db/db.js';
import type { ChainedEntry } from './audit-chain.js';
import { failedOutcome, type AuditActor, type AuditEntryInput, type AuditLog } from './audit-entry.js';
import { AuditError, type AuditErrorCode } from './audit-errors.js';
import { agencyNames, listEntries, personEntries, type EntryFilter } from './audit-store.js';
import { REPORT_FORMATS, type AccessReport, type ReportFormat } from './access-report.js';
import { isSoDinhDanh } from '../contract/so-dinh-danh.js';

/**
 * Reading the audit log, for the auditors' routes and the CLI alike. Reading it is itself a
 * look at personal data (who read whose record), so each read appends its own entry, once the
 * answer is known and before it is given: `ok`, or `error` with the failure's code.
 */
export interface AuditReader {
  list(filter: EntryFilter, who: Who): Promise<ChainedEntry[]>;
  accessReport(soDinhDanh: string, since: Date | undefined, who: Who): Promise<AccessReport>;
}

export interface Who {
  actor: AuditActor;
  requestId?: string;
  purpose?: string;
}

export const MAX_LIST_LIMIT = 1000;

const badRequest = (code: AuditErrorCode, message: string): AuditError => new AuditError(code, message, { status: 400 });

/** A số định danh is 12 digits (the citizen identity number, Luật Căn cước 2023). */
export function parseSoDinhDanh(value: string | undefined): string {
  if (value === undefined || !isSoDinhDanh(value)) {
    throw badRequest('audit.bad_so_dinh_danh', 'a số định danh is 12 digits');
  }
  return value;
}

/** A bare date is midnight in Vietnam (UTC+7 all year), as an officer means "from 1 June". */
export function parseSince(value: string | undefined): Date | undefined {
  if (value === undefined || value === '') return undefined;
  const text = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00+07:00` : value;
  const at = /^\d{4}-\d{2}-\d{2}/.test(text) ? new Date(text) : new Date(NaN);
  if (Number.isNaN(at.getTime())) throw badRequest('audit.bad_since', `since must be a date (YYYY-MM-DD) or an ISO time, got '${value}'`);
  return at;
}

export function parseLimit(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LIST_LIMIT) {
    throw badRequest('audit.bad_limit', `limit must be a whole number from 1 to ${MAX_LIST_LIMIT}, got '${value}'`);
  }
  return n;
}

export function parseFormat(value: string | undefined): ReportFormat {
  if (value === undefined) return 'json';
  if (!(REPORT_FORMATS as readonly string[]).includes(value)) {
    throw new AuditError('audit.bad_format', `format must be one of ${REPORT_FORMATS.join(', ')}`, { status: 400 });
  }
  return value as ReportFormat;
}

/** An entry as the list answers it, in JSON. */
export function entryView(e: ChainedEntry) {
  return {
    seq: e.seq, at: e.at.toISOString(), actor: { kind: e.actorKind, name: e.actorName }, action: e.action,
    people: e.people, packetId: e.packetId, unit: e.unit, fieldGroups: e.fieldGroups, purpose: e.purpose,
    outcome: e.outcome, code: e.code, requestId: e.requestId, hash: e.hash,
  };
}

export function createAuditReader(db: Queryable, audit: AuditLog, now: () => Date = () => new Date()): AuditReader {
  async function recorded<T>(entry: Omit<AuditEntryInput, 'outcome' | 'actor'>, who: Who, read: () => Promise<T>): Promise<T> {
    const base: AuditEntryInput = {
      ...entry, actor: who.actor, outcome: 'ok',
      ...(who.requestId ? { requestId: who.requestId } : {}),
      ...(who.purpose ? { purpose: who.purpose } : {}),
    };
    let result: T;
    try {
      result = await read();
    } catch (err) {
      await audit.append({ ...base, ...failedOutcome(err, 'audit.read_failed') });
      throw err;
    }
    await audit.append(base);
    return result;
  }

  return {
    list(filter, who) {
      return recorded(
        { action: 'audit.list', people: filter.person === undefined ? [] : [filter.person] },
        who,
        () => listEntries(db, filter),
      );
    },
    accessReport(soDinhDanh, since, who) {
      return recorded({ action: 'audit.person.access', people: [soDinhDanh] }, who, async () => {
        const entries = await personEntries(db, soDinhDanh, since);
        // Agencies read the data as clients (the actor's name is their code), or approved it as units.
        const codes = entries.flatMap((e) => [...(e.actorKind === 'client' ? [e.actorName] : []), ...(e.unit ? [e.unit] : [])]);
        const { province, names } = await agencyNames(db, codes);
        return {
          soDinhDanh, since, generatedAt: now(), entries,
          province: province ? { code: province, name: names[province] ?? null } : null, agencies: names,
        };
      });
    },
  };
}
