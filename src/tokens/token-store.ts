import type { Queryable } from '../db/db.js';
import type { Role } from './api-actor-types.js';

/** The API tokens' table (migration 005); SQL only, the rules live in token-service.ts. */
export interface TokenRow {
  tokenId: string;
  name: string;
  role: Role;
  secretSha256: Buffer;
  createdAt: Date;
  expiresAt: Date | undefined;
  revokedAt: Date | undefined;
  lastUsedAt: Date | undefined;
}

export interface NewTokenRow {
  tokenId: string;
  name: string;
  role: Role;
  secretSha256: Buffer;
  expiresAt: Date | undefined;
}

export interface TokenStore {
  /** False when the name is taken. */
  insert(row: NewTokenRow): Promise<boolean>;
  byId(tokenId: string): Promise<TokenRow | undefined>;
  list(): Promise<TokenRow[]>;
  /** False when no unrevoked token has that name. */
  revoke(name: string, at: Date): Promise<boolean>;
  /** Records use at most once a minute per token, so reads do not write on every request. */
  touch(tokenId: string, at: Date): Promise<void>;
  count(): Promise<number>;
}

const T = 'csdl_gateway.api_tokens';
const COLUMNS = 'token_id, name, role, secret_sha256, created_at, expires_at, revoked_at, last_used_at';

interface RawRow {
  token_id: string;
  name: string;
  role: Role;
  secret_sha256: Buffer;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

function toRow(r: RawRow): TokenRow {
  return {
    tokenId: r.token_id, name: r.name, role: r.role, secretSha256: r.secret_sha256, createdAt: r.created_at,
    expiresAt: r.expires_at ?? undefined, revokedAt: r.revoked_at ?? undefined, lastUsedAt: r.last_used_at ?? undefined,
  };
}

export function createTokenStore(db: Queryable): TokenStore {
  return {
    async insert(row) {
      const res = await db.query(
        `INSERT INTO ${T} (token_id, name, role, secret_sha256, expires_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (name) DO NOTHING`,
        [row.tokenId, row.name, row.role, row.secretSha256, row.expiresAt ?? null],
      );
      return res.rowCount === 1;
    },
    async byId(tokenId) {
      const res = await db.query<RawRow>(`SELECT ${COLUMNS} FROM ${T} WHERE token_id = $1`, [tokenId]);
      return res.rows[0] ? toRow(res.rows[0]) : undefined;
    },
    async list() {
      const res = await db.query<RawRow>(`SELECT ${COLUMNS} FROM ${T} ORDER BY created_at, name`);
      return res.rows.map(toRow);
    },
    async revoke(name, at) {
      const res = await db.query(`UPDATE ${T} SET revoked_at = $2 WHERE name = $1 AND revoked_at IS NULL`, [name, at]);
      return res.rowCount === 1;
    },
    async touch(tokenId, at) {
      await db.query(
        `UPDATE ${T} SET last_used_at = $2 WHERE token_id = $1 AND (last_used_at IS NULL OR last_used_at < $2::timestamptz - interval '1 minute')`,
        [tokenId, at],
      );
    },
    async count() {
      const res = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${T}`);
      return res.rows[0]?.n ?? 0;
    },
  };
}
