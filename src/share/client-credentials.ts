import { randomBytes } from 'node:crypto';
import { hashSecret as sha256, secretMatches as sha256Matches } from '../tokens/token-secret.js';

/**
 * Client secrets: 256 random bits each, kept only as their SHA-256 in hex, hashed and compared
 * in constant time by the same functions as the gateway's API tokens (src/tokens/token-secret.ts
 * says why a fast hash is enough for secrets nobody can guess).
 */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return sha256(secret).toString('hex');
}

/** Whether `secret` hashes to `storedHash` (hex), in time independent of where they differ. */
export function secretMatches(secret: string, storedHash: string): boolean {
  return sha256Matches(secret, Buffer.from(storedHash, 'hex'));
}
