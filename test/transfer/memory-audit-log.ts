import type { AuditEntryInput, AuditLog } from '../../src/audit/audit-entry.js';

/** An AuditLog that keeps its entries in memory, for tests to read back. */
export class MemoryAuditLog implements AuditLog {
  readonly entries: AuditEntryInput[] = [];
  failNext = false;

  async append(entry: AuditEntryInput): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('audit store unavailable (test)');
    }
    this.entries.push(structuredClone(entry));
  }
}
