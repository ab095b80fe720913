import type { Queryable } from '../db/db.js';
import { OutboxError, packetNotFound } from './outbox-error.js';

/**
 * A packet named by the start of its id, as git names a commit: the README and the logs show
 * ids cut short (`3f0c…`), and people type what they see. A whole id is taken as it is; a
 * prefix of at least MIN_PREFIX hex digits names the one packet whose id starts with it; two
 * or more are refused with the candidates listed, so the person can type one more character.
 */
export const MIN_PREFIX = 4;
const WHOLE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PREFIX = /^[0-9a-f][0-9a-f-]*$/;
/** Candidates listed when a prefix is ambiguous. */
const SHOWN = 10;

/** Ids of the packets whose id starts with `prefix` (lower-case hex and dashes), in order. */
export async function packetIdsStartingWith(db: Queryable, prefix: string, limit: number): Promise<string[]> {
  const res = await db.query<{ id: string }>(
    `SELECT packet_id::text AS id FROM csdl_gateway.packets WHERE packet_id::text LIKE $1 || '%' ORDER BY packet_id LIMIT $2`,
    [prefix, limit],
  );
  return res.rows.map((r) => r.id);
}

export async function resolvePacketId(db: Queryable, given: string): Promise<string> {
  const id = given.trim().toLowerCase().replace(/…$/, '');
  if (WHOLE.test(id)) return id;
  if (!PREFIX.test(id) || id.length > 36) throw packetNotFound(given);
  if (id.replaceAll('-', '').length < MIN_PREFIX) {
    throw new OutboxError('outbox.packet_id_too_short', `'${given}' is too short to name a packet: give at least ${MIN_PREFIX} characters of its id`, { status: 400 });
  }
  const found = await packetIdsStartingWith(db, id, SHOWN + 1);
  if (found.length === 0) throw packetNotFound(given);
  if (found.length === 1) return found[0]!;
  const more = found.length > SHOWN ? ` (and more)` : '';
  throw new OutboxError('outbox.packet_id_ambiguous', `'${given}' starts ${found.length > SHOWN ? 'more than ' + SHOWN : found.length} packet ids; give more characters: ${found.slice(0, SHOWN).join(', ')}${more}`, {
    status: 409, details: found.slice(0, SHOWN).map((candidate) => ({ path: 'id', message: candidate })),
  });
}
