import { CodedError } from '../errors.js';

/**
 * The gateway's own store and the provincial connection failing or refused:
 * - db.unreachable (retryable): the server did not answer (refused, unknown host, timed out);
 * - db.error: any other connection or query failure, its cause kept;
 * - db.schema_name_invalid: a schema name that is not a plain identifier;
 * - db.instance_mismatch: the store belongs to another province's SENDER_CODE;
 * - db.embedded_in_use: the embedded database is held by another process that does not share it;
 * - db.embedded_failed: the embedded database could not be opened;
 * - config.invalid: a database URL that is not one (db is the lowest layer, so it cannot
 *   raise the configuration's own error; the code is the same).
 */
export type DbErrorCode =
  | 'db.unreachable'
  | 'db.error'
  | 'db.schema_name_invalid'
  | 'db.instance_mismatch'
  | 'db.embedded_in_use'
  | 'db.embedded_failed'
  | 'config.invalid';

export class DbError extends CodedError<DbErrorCode> {}

/** The embedded PostgreSQL (PGlite) in DATA_DIR refusing to open. */
export class EmbeddedDbError extends DbError {}
