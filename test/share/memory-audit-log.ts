import type { ActionAuditLog, AuditEntryInput, AuditTx } from '../../src/audit/audit-entry.js';

/** The audit log as the sharing tests see it: every entry kept in order; `failing` refuses appends. */
export class MemoryAuditLog implements ActionAuditLog {
  readonly entries: AuditEntryInput[] = [];
  failing = false;

  async append(entry: AuditEntryInput): Promise<void> {
    if (this.failing) throw new Error('audit log down (test)');
    this.entries.push(structuredClone(entry));
  }

  /** Kept at once, whatever the transaction then does (the real log is tested on PostgreSQL). */
  async appendWithin(_tx: AuditTx, entry: AuditEntryInput): Promise<void> {
    await this.append(entry);
  }

  /** The entries appended since `mark` (a previous `entries.length`). */
  since(mark: number): AuditEntryInput[] {
    return this.entries.slice(mark);
  }
}
