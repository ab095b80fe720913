import type { AuditEntryInput, AuditLog } from '../../src/audit/audit-entry.js';

/** An audit log that keeps its entries in memory, for the tests to read (src/audit is elsewhere). */
export function memoryAuditLog(): AuditLog & { entries: AuditEntryInput[] } {
  const entries: AuditEntryInput[] = [];
  return {
    entries,
    async append(entry) {
      entries.push(structuredClone(entry));
    },
  };
}
