import { GatewayError } from '../errors.js';

/**
 * A sync that cannot go on, none retryable by waiting: `sync.approval_table_missing` (the
 * mapping names no approval table, so nothing can be due), `sync.no_national_client` (a
 * sending run composed without the national side), and the record-version invariants the
 * steps rely on (`sync.approval_missing`, `sync.hash_missing`, `sync.version_not_queued`),
 * which only a bug breaks. `sync.no_source_reachable` (no source of a merged province could be
 * opened) is the one a later run may get past: `sync` exits 75 on it.
 */
export type SyncErrorCode =
  | 'sync.approval_table_missing'
  | 'sync.no_national_client'
  | 'sync.approval_missing'
  | 'sync.hash_missing'
  | 'sync.version_not_queued'
  | 'sync.no_source_reachable';

export class SyncError extends GatewayError {
  declare readonly code: SyncErrorCode;

  constructor(code: SyncErrorCode, message: string) {
    super(code, message, { retryable: code === 'sync.no_source_reachable' });
  }
}
