import type { AuditEntryInput, AuditLog } from '../../src/audit/audit-entry.js';

/** An AuditLog that keeps entries in memory, for tests to read; `failNext` makes the next append throw. */
export interface MemoryAuditLog extends AuditLog {
  entries: AuditEntryInput[];
  failNext: boolean;
}

export function memoryAuditLog(): MemoryAuditLog {
  const log: MemoryAuditLog = {
    entries: [],
    failNext: false,
    async append(entry) {
      if (log.failNext) {
        log.failNext = false;
        throw new Error('audit log unavailable (test)');
      }
      log.entries.push(structuredClone(entry));
    },
  };
  return log;
}
