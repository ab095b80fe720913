import type { ActionAuditLog, AuditEntryInput, AuditTx } from '../../src/audit/audit-entry.js';

/**
 * The audit log as tests see it, the one test double of `ActionAuditLog`: every entry kept in
 * order, in memory. `failing` refuses every append while set; `failNext` refuses the next one.
 * `appendWithin` keeps the entry at once, whatever the transaction then does: the real log's
 * commit-together is held against PostgreSQL (test/ops/operator-action-atomicity.test.ts).
 */
export class MemoryAuditLog implements ActionAuditLog {
  readonly entries: AuditEntryInput[] = [];
  failing = false;
  failNext = false;

  async append(entry: AuditEntryInput): Promise<void> {
    if (this.failing) throw new Error('audit store unavailable (test)');
    if (this.failNext) {
      this.failNext = false;
      throw new Error('audit store unavailable (test)');
    }
    this.entries.push(structuredClone(entry));
  }

  async appendWithin(_tx: AuditTx, entry: AuditEntryInput): Promise<void> {
    await this.append(entry);
  }

  /** The entries appended since `mark` (a previous `entries.length`). */
  since(mark: number): AuditEntryInput[] {
    return this.entries.slice(mark);
  }
}

export function memoryAuditLog(): MemoryAuditLog {
  return new MemoryAuditLog();
}
