import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseBasicAuth } from '../simulator/token-store.js';

/**
 * Client secrets and bearer tokens: 256 random bits each, kept only as their SHA-256 (a slow
 * password hash guards guessable passwords; these are not guessable). Secrets are compared in
 * constant time; a token is found by its hash, which tells an attacker nothing of the token.
 */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Whether `secret` hashes to `storedHash`, in time independent of where they differ. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

/**
 * `Authorization: Basic base64(id:secret)` (RFC 6749 2.3.1), or undefined: the same reading as
 * the national simulator's token endpoint, which speaks the same OAuth2 profile.
 */
export const basicCredentials = parseBasicAuth;

/** `Authorization: Bearer TOKEN`, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const m = header && /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(header);
  return m ? m[1] : undefined;
}
