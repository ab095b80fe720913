import { createAuditLog, type AuditLogService } from '../audit/audit-log.js';
import type { Db } from '../db/db.js';
import type { Logger } from '../log/logger.js';
import type { CmsSigner } from '../signing/cms-signer.js';

/**
 * The audit log on the gateway's store, for the start steps and the CLI commands that read or
 * change personal data: group-committed appends, one hash chain across every process on the
 * store, a signed checkpoint every 1,000 entries when the province's signer is given
 * (src/audit/audit-log.ts). `close` flushes what is queued.
 */
export async function openAuditLog(db: Db, signer: CmsSigner | undefined, logger: Logger): Promise<AuditLogService> {
  return createAuditLog(db, { ...(signer ? { signer } : {}), logger: logger.child({ component: 'audit' }) });
}
