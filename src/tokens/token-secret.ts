import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * An API token is `csdlgw_<id>_<secret>`: a public id (8 random bytes, hex) to find the row,
 * and a secret of 32 random bytes (256 bits, base64url) of which only the SHA-256 is stored.
 * A fast hash is enough for a 256-bit random secret (nobody can guess it, so slowing down
 * guesses buys nothing); the comparison runs in constant time all the same, so the answer's
 * timing tells nothing about how much of a guess was right. Pure: no I/O.
 */
export const TOKEN_PREFIX = 'csdlgw_';
const TOKEN_SHAPE = /^csdlgw_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface NewTokenSecret {
  tokenId: string;
  /** The whole token, to show once and never store. */
  token: string;
  secretSha256: Buffer;
}

export interface ParsedToken {
  tokenId: string;
  secret: string;
}

export function newTokenSecret(random: (n: number) => Buffer = randomBytes): NewTokenSecret {
  const tokenId = random(8).toString('hex');
  const secret = random(32).toString('base64url');
  return { tokenId, token: `${TOKEN_PREFIX}${tokenId}_${secret}`, secretSha256: hashSecret(secret) };
}

/** The token's parts, or undefined when it does not have a token's shape. */
export function parseToken(token: string): ParsedToken | undefined {
  const m = TOKEN_SHAPE.exec(token);
  return m ? { tokenId: m[1] as string, secret: m[2] as string } : undefined;
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

/** Constant-time comparison of a presented secret with a stored hash (both 32 bytes). */
export function secretMatches(secret: string, storedSha256: Buffer): boolean {
  const presented = hashSecret(secret);
  return storedSha256.length === presented.length && timingSafeEqual(presented, storedSha256);
}
