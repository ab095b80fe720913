import type { ActionAuditLog, AuditEntryInput } from '../../src/audit/audit-entry.js';

/**
 * An audit log that keeps its entries in memory, for the tests to read (src/audit is elsewhere).
 * `appendWithin` keeps the entry at once, whatever the transaction then does: the real log's
 * commit-together is held against PostgreSQL in operator-action-atomicity.test.ts.
 */
export function memoryAuditLog(): ActionAuditLog & { entries: AuditEntryInput[] } {
  const entries: AuditEntryInput[] = [];
  return {
    entries,
    async append(entry) {
      entries.push(structuredClone(entry));
    },
    async appendWithin(_tx, entry) {
      entries.push(structuredClone(entry));
    },
  };
}
