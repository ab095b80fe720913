import { GatewayError } from '../errors.js';

/**
 * The audit log refusing or failing. Codes: audit.invalid_entry (an entry without actor,
 * action or a known outcome), audit.closed (appended after close), audit.append_failed (the
 * batch's transaction failed; nothing of it is in the chain), audit.no_signer (a checkpoint
 * without the province's key), audit.no_sender (its certificate has no OU), audit.checkpoint_invalid
 * (a checkpoint's signature, signer or statement does not hold); and refusals of a request (400):
 * audit.bad_so_dinh_danh, audit.bad_since, audit.bad_limit, audit.bad_format, audit.bad_query.
 */
export class AuditError extends GatewayError {}
