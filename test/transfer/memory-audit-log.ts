import type { ActionAuditLog, AuditEntryInput, AuditTx } from '../../src/audit/audit-entry.js';

/** An AuditLog that keeps its entries in memory, for tests to read back. */
export class MemoryAuditLog implements ActionAuditLog {
  readonly entries: AuditEntryInput[] = [];
  failNext = false;

  async append(entry: AuditEntryInput): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('audit store unavailable (test)');
    }
    this.entries.push(structuredClone(entry));
  }

  /** Kept at once, whatever the transaction then does (the real log is tested on PostgreSQL). */
  async appendWithin(_tx: AuditTx, entry: AuditEntryInput): Promise<void> {
    await this.append(entry);
  }
}
