import type { ApiActor, Role } from './api-actor-types.js';
import { newTokenSecret, parseToken, secretMatches } from './token-secret.js';
import { TokenError, type TokenErrorCode } from './token-error.js';
import type { TokenRow, TokenStore } from './token-store.js';

/**
 * Creating, listing, revoking and checking API tokens. A refusal of a presented token says
 * which of four things is wrong (`auth.missing`, `auth.invalid`, `auth.expired`,
 * `auth.revoked`), never anything about the secret; an unknown id and a wrong secret are the
 * same `auth.invalid`, so the answer does not tell a guesser that an id exists.
 */
export const ROLES: readonly Role[] = ['operator', 'auditor'];
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const DAY_MS = 86_400_000;

export interface CreatedToken {
  name: string;
  role: Role;
  expiresAt: Date | undefined;
  /** Shown once; only its hash is stored. */
  token: string;
}

/** What `tokens list` shows: never the secret nor its hash. */
export interface TokenInfo {
  name: string;
  role: Role;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
  state: 'active' | 'expired' | 'revoked';
}

export interface TokenService {
  create(input: { name: string; role: Role; expiresDays?: number }): Promise<CreatedToken>;
  list(): Promise<TokenInfo[]>;
  revoke(name: string): Promise<void>;
  /** The actor a bearer token stands for, or a 401 GatewayError. */
  authenticate(token: string | undefined): Promise<ApiActor>;
  /** Whether any token was ever created (the embedded default's first start creates one). */
  any(): Promise<boolean>;
}

function refusal(code: TokenErrorCode, message: string): TokenError {
  return new TokenError(code, message);
}

function stateOf(row: TokenRow, now: Date): TokenInfo['state'] {
  if (row.revokedAt) return 'revoked';
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

export function createTokenService(store: TokenStore, clock: () => Date = () => new Date()): TokenService {
  return {
    async create({ name, role, expiresDays }) {
      if (!NAME.test(name)) throw new TokenError('tokens.name_invalid', `token name '${name}': letters, digits, '.', '_' or '-', at most 64`);
      if (!ROLES.includes(role)) throw new TokenError('tokens.role_invalid', `role '${String(role)}': expected operator or auditor`);
      if (expiresDays !== undefined && (!Number.isInteger(expiresDays) || expiresDays < 1)) {
        throw new TokenError('tokens.expiry_invalid', `expiry in days must be a whole number >= 1, got ${expiresDays}`);
      }
      const secret = newTokenSecret();
      const expiresAt = expiresDays === undefined ? undefined : new Date(clock().getTime() + expiresDays * DAY_MS);
      const inserted = await store.insert({ tokenId: secret.tokenId, name, role, secretSha256: secret.secretSha256, expiresAt });
      if (!inserted) throw new TokenError('tokens.name_taken', `a token named '${name}' exists already (names stay taken after revocation)`);
      return { name, role, expiresAt, token: secret.token };
    },
    async list() {
      const now = clock();
      return (await store.list()).map((r) => ({
        name: r.name, role: r.role, createdAt: r.createdAt.toISOString(),
        expiresAt: r.expiresAt?.toISOString() ?? null, revokedAt: r.revokedAt?.toISOString() ?? null,
        lastUsedAt: r.lastUsedAt?.toISOString() ?? null, state: stateOf(r, now),
      }));
    },
    async revoke(name) {
      if (!(await store.revoke(name, clock()))) throw new TokenError('tokens.not_found', `no active token named '${name}'`);
    },
    async authenticate(token) {
      if (token === undefined || token === '') throw refusal('auth.missing', 'no bearer token (Authorization: Bearer csdlgw_…)');
      const parsed = parseToken(token);
      if (!parsed) throw refusal('auth.invalid', 'the bearer token is not a gateway token');
      const row = await store.byId(parsed.tokenId);
      if (!row || !secretMatches(parsed.secret, row.secretSha256)) throw refusal('auth.invalid', 'the bearer token is not valid');
      const now = clock();
      const state = stateOf(row, now);
      if (state === 'revoked') throw refusal('auth.revoked', `token '${row.name}' was revoked`);
      if (state === 'expired') throw refusal('auth.expired', `token '${row.name}' has expired`);
      await store.touch(row.tokenId, now);
      return { kind: 'token', name: row.name, role: row.role };
    },
    async any() {
      return (await store.count()) > 0;
    },
  };
}
