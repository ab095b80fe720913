import type { AuditEntryInput, AuditLog } from '../../src/audit/audit-entry.js';

/** The audit log as the sharing tests see it: every entry kept in order; `failing` refuses appends. */
export class MemoryAuditLog implements AuditLog {
  readonly entries: AuditEntryInput[] = [];
  failing = false;

  async append(entry: AuditEntryInput): Promise<void> {
    if (this.failing) throw new Error('audit log down (test)');
    this.entries.push(structuredClone(entry));
  }

  /** The entries appended since `mark` (a previous `entries.length`). */
  since(mark: number): AuditEntryInput[] {
    return this.entries.slice(mark);
  }
}
