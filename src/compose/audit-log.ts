import type { AuditLog } from '../audit/audit-entry.js';
import type { Db } from '../db/db.js';
import { GatewayError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { CmsSigner } from '../signing/cms-signer.js';

/**
 * The audit log on the gateway's store, for the start steps and the CLI commands that read or
 * change personal data. PLACEHOLDER while src/audit is being built: it refuses, so nothing
 * can read personal data without an audit trail.
 */
export async function openAuditLog(_db: Db, _signer: CmsSigner | undefined, _logger: Logger): Promise<AuditLog & { close(): Promise<void> }> {
  throw new GatewayError('audit.unavailable', 'the audit log is not built yet');
}
