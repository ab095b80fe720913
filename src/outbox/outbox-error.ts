import { GatewayError } from '../errors.js';

/**
 * The outbox refusing a state change that would lose or corrupt a record. Codes:
 * outbox.records_unmatched (a failed packet holds versions its envelope does not name, so
 * they cannot be queued again with their record text).
 */
export class OutboxError extends GatewayError {}
