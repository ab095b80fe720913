import { GatewayError, type GatewayErrorOptions } from '../errors.js';

/**
 * The outbox refusing a state change that would lose or corrupt a record, or an action on
 * something it does not hold. Codes:
 * - outbox.records_unmatched: a failed packet holds versions its envelope does not name, so
 *   they cannot be queued again with their record text;
 * - outbox.records_changed (409): a packet's versions moved while it was built or released;
 * - outbox.packet_not_found, outbox.record_not_found (404): no such packet or record version;
 * - outbox.state_conflict (409): the packet or version is not in a state the action applies to;
 * - outbox.packet_id_too_short (400), outbox.packet_id_ambiguous (409): a packet named by a
 *   prefix of its id that is too short, or that starts several ids (packet-prefix.ts).
 */
export type OutboxErrorCode =
  | 'outbox.records_unmatched'
  | 'outbox.records_changed'
  | 'outbox.packet_not_found'
  | 'outbox.record_not_found'
  | 'outbox.state_conflict'
  | 'outbox.packet_id_too_short'
  | 'outbox.packet_id_ambiguous';

export class OutboxError extends GatewayError {
  declare readonly code: OutboxErrorCode;

  constructor(code: OutboxErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(code, message, { retryable: false, ...options });
  }
}

export function packetNotFound(packetId: string): OutboxError {
  return new OutboxError('outbox.packet_not_found', `packet ${packetId} is not in the outbox`, { status: 404 });
}

export function recordsChanged(packetId: string): OutboxError {
  return new OutboxError('outbox.records_changed', `packet ${packetId}: records changed while it was built`, { status: 409 });
}
