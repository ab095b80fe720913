import { DbError } from './db-error.js';
import type { Queryable } from './db.js';
import { GATEWAY_SCHEMA } from './migrate.js';

/**
 * A store belongs to one province. The first start records SENDER_CODE; a later start with
 * another code is refused, so two provinces can never mix their outboxes in one store.
 */
export async function bindInstance(db: Queryable, senderCode: string): Promise<void> {
  await db.query(
    `INSERT INTO ${GATEWAY_SCHEMA}.gateway_instance (sender_code) VALUES ($1) ON CONFLICT (id) DO NOTHING`,
    [senderCode],
  );
  const res = await db.query<{ sender_code: string }>(`SELECT sender_code FROM ${GATEWAY_SCHEMA}.gateway_instance`);
  const bound = res.rows[0]?.sender_code;
  if (bound !== senderCode) {
    throw new DbError(
      'db.instance_mismatch',
      `this store belongs to sender ${bound ?? '?'}, not SENDER_CODE ${senderCode}; point DATABASE_URL at the right store`,
    );
  }
}
