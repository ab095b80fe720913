import type { Db, Queryable } from '../db/db.js';
import { preparedQuery } from '../db/prepared-query.js';
import type { Grant } from './grant-policy.js';
import type { LeaseAnswer } from './rate-leases.js';
import type { ServedEntry } from './served-cache.js';
import { SERVED_RECORD_SQL, servedRecordOf, type ServedRecord } from './shared-record-store.js';

/**
 * Clients, grants and tokens of the sharing endpoint, in named SQL over `Queryable`. The
 * request path needs one read-only statement (`authenticate`): token, client and active grants
 * together, so a revocation through any process refuses the very next request everywhere,
 * without a cache to invalidate. The rate limit is leased a slice at a time (`leaseRate`,
 * rate-leases.ts), not written per request.
 */
const S = 'csdl_gateway';
/**
 * A client's rate window is one row (slot 0 of share_rate), updated under its row lock, so
 * leases taken at once through any process count exactly. Spreading it over several rows, as
 * first built, let requests that landed at once on different rows each miss the others'
 * uncommitted counts and pass together over the limit.
 */
const RATE_SLOT = 0;

export interface ClientRow {
  agencyCode: string;
  name: string;
  createdAt: string;
  revokedAt?: string;
  grants: GrantRow[];
}

export interface GrantRow extends Grant {
  expiresAt: string;
  createdAt: string;
  revokedAt?: string;
}

export interface NewGrant {
  routes: string[];
  units: string[];
  fieldGroups: string[];
  purposes: string[];
  expiresAt: Date;
  ratePerSecond: number;
}

export interface Authenticated {
  agencyCode: string;
  /** Its grants in force (not revoked, not expired). */
  grants: Grant[];
  /** The person asked for alongside (`authenticate`'s `alsoRead`), if served. */
  read?: { soDinhDanh: string; served: ServedRecord | undefined; entry?: ServedEntry };
}

interface RawGrant {
  id: number | string; routes: string[]; units: string[]; field_groups: string[]; purposes: string[];
  rate_per_second: number; expires_at: string; created_at: string; revoked_at: string | null;
}

function grantOf(g: RawGrant): GrantRow {
  return {
    id: String(g.id), routes: g.routes, units: g.units, fieldGroups: g.field_groups, purposes: g.purposes,
    ratePerSecond: g.rate_per_second, expiresAt: new Date(g.expires_at).toISOString(), createdAt: new Date(g.created_at).toISOString(),
    ...(g.revoked_at ? { revokedAt: new Date(g.revoked_at).toISOString() } : {}),
  };
}

type AuthRow = { agency_code: string; grants: string; served: Parameters<typeof servedRecordOf>[0] };

/**
 * A client's grants in force as read, by their JSON text: every request reads them (a grant
 * revoked or expired is refused at once), but the same text is the same grants, converted once.
 * Bounded: a few hundred clients' grant sets at most are held; past that, all are dropped.
 */
const MAX_GRANT_SETS = 512;
function grantsParser(): (text: string) => GrantRow[] {
  const seen = new Map<string, GrantRow[]>();
  return (text) => {
    let grants = seen.get(text);
    if (!grants) {
      grants = (JSON.parse(text) as RawGrant[]).map(grantOf);
      if (seen.size >= MAX_GRANT_SETS) seen.clear();
      seen.set(text, grants);
    }
    return grants;
  };
}

export function createClientStore(db: Queryable | Db) {
  const grantsOf = grantsParser();
  return {
    /** False when the agency code is already a client. */
    async addClient(agencyCode: string, name: string, secretHash: string): Promise<boolean> {
      const res = await db.query(
        `INSERT INTO ${S}.share_clients (agency_code, name, secret_hash) VALUES ($1, $2, $3) ON CONFLICT (agency_code) DO NOTHING`,
        [agencyCode, name, secretHash],
      );
      return res.rowCount === 1;
    },

    /** The secret's hash of a client in force; undefined for an unknown or revoked one. */
    async secretHashOf(agencyCode: string): Promise<string | undefined> {
      const res = await db.query<{ secret_hash: string }>(
        `SELECT secret_hash FROM ${S}.share_clients WHERE agency_code = $1 AND revoked_at IS NULL`,
        [agencyCode],
      );
      return res.rows[0]?.secret_hash;
    },

    async addGrant(agencyCode: string, g: NewGrant): Promise<string> {
      const res = await db.query<{ id: string }>(
        `INSERT INTO ${S}.share_grants (agency_code, routes, units, field_groups, purposes, expires_at, rate_per_second)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id::text`,
        [agencyCode, g.routes, g.units, g.fieldGroups, g.purposes, g.expiresAt, g.ratePerSecond],
      );
      return res.rows[0]!.id;
    },

    /** Revokes a client (and so all its tokens) or one of its grants; false when there was nothing in force. */
    async revoke(agencyCode: string, grantId?: string): Promise<boolean> {
      const res = grantId === undefined
        ? await db.query(`UPDATE ${S}.share_clients SET revoked_at = now() WHERE agency_code = $1 AND revoked_at IS NULL`, [agencyCode])
        : await db.query(
          `UPDATE ${S}.share_grants SET revoked_at = now() WHERE agency_code = $1 AND id = $2::bigint AND revoked_at IS NULL`,
          [agencyCode, grantId],
        );
      return res.rowCount === 1;
    },

    async listClients(): Promise<ClientRow[]> {
      const res = await db.query<{ agency_code: string; name: string; created_at: Date; revoked_at: Date | null; grants: RawGrant[] }>(
        `SELECT c.agency_code, c.name, c.created_at, c.revoked_at,
                COALESCE((SELECT json_agg(g ORDER BY g.id) FROM ${S}.share_grants g WHERE g.agency_code = c.agency_code), '[]') AS grants
           FROM ${S}.share_clients c ORDER BY c.agency_code`,
      );
      return res.rows.map((r) => ({
        agencyCode: r.agency_code, name: r.name, createdAt: r.created_at.toISOString(),
        ...(r.revoked_at ? { revokedAt: r.revoked_at.toISOString() } : {}),
        grants: r.grants.map(grantOf),
      }));
    },

    async storeToken(tokenHash: string, agencyCode: string, ttlSeconds: number): Promise<void> {
      await db.query(
        `INSERT INTO ${S}.share_tokens (token_hash, agency_code, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))`,
        [tokenHash, agencyCode, ttlSeconds],
      );
      // Expired tokens are of no use to anyone: each issue sweeps those a day past expiry.
      await db.query(`DELETE FROM ${S}.share_tokens WHERE expires_at < now() - interval '1 day'`);
    },

    /**
     * The client behind a token in force and its grants in force, in one read-only statement.
     * With `alsoRead`, that person's served record comes back in the same round trip (a read
     * whose token is refused returns nothing of it); without the record itself when its version
     * is `knownVersion` (the caller holds that one).
     */
    async authenticate(tokenHash: string, alsoRead?: string, knownVersion?: string): Promise<Authenticated | undefined> {
      const rows = await preparedQuery<AuthRow>(db, 'share_authenticate',
        `SELECT k.agency_code,
                COALESCE((SELECT json_agg(g) FROM ${S}.share_grants g
                           WHERE g.agency_code = k.agency_code AND g.revoked_at IS NULL AND g.expires_at > now()), '[]')::text AS grants,
                CASE WHEN $2::text IS NULL THEN NULL ELSE ${SERVED_RECORD_SQL('$2::text', '$3::text')} END AS served
           FROM ${S}.share_tokens k JOIN ${S}.share_clients c ON c.agency_code = k.agency_code
          WHERE k.token_hash = $1 AND k.expires_at > now() AND c.revoked_at IS NULL`,
        [tokenHash, alsoRead ?? null, knownVersion ?? null],
      );
      const row = rows[0];
      if (!row) return undefined;
      return {
        agencyCode: row.agency_code, grants: grantsOf(row.grants),
        ...(alsoRead === undefined ? {} : { read: { soDinhDanh: alsoRead, served: servedRecordOf(row.served) } }),
      };
    },

    /**
     * Leases up to `want` more of the client's `limit` in the database's current one-second
     * window, never past the limit, in one statement under the window row's lock. The window
     * only moves forward: a statement whose clock reading is older than the row's window (it
     * waited for the lock across a second) is granted nothing and asks again.
     */
    async leaseRate(agencyCode: string, want: number, limit: number, sending?: () => void): Promise<LeaseAnswer> {
      const rows = await preparedQuery<{ granted: number; count: number; window_start: string; now: number }>(db, 'share_lease_rate',
        `INSERT INTO ${S}.share_rate AS r (agency_code, slot, window_start, count, granted)
         VALUES ($1, ${RATE_SLOT}, floor(extract(epoch FROM clock_timestamp()))::bigint, least($2::int, $3::int), least($2::int, $3::int))
         ON CONFLICT (agency_code, slot) DO UPDATE SET
           count = CASE WHEN EXCLUDED.window_start > r.window_start THEN EXCLUDED.count
                        WHEN EXCLUDED.window_start = r.window_start THEN greatest(r.count, least(r.count + $2::int, $3::int))
                        ELSE r.count END,
           granted = CASE WHEN EXCLUDED.window_start > r.window_start THEN EXCLUDED.count
                          WHEN EXCLUDED.window_start = r.window_start THEN greatest(r.count, least(r.count + $2::int, $3::int)) - r.count
                          ELSE 0 END,
           window_start = greatest(r.window_start, EXCLUDED.window_start)
         RETURNING granted, count, window_start::text, extract(epoch FROM clock_timestamp())::float8 AS now`,
        [agencyCode, want, limit], sending,
      );
      const row = rows[0]!;
      return { granted: row.granted, count: row.count, windowStart: Number(row.window_start), now: row.now };
    },
  };
}

export type ClientStore = ReturnType<typeof createClientStore>;
