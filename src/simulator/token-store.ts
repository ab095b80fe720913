import { randomBytes, timingSafeEqual } from 'node:crypto';
import { basicCredentials, bearerToken } from '../tokens/authorization-header.js';
import { NationalRefusal } from './simulator-errors.js';

/**
 * OAuth2 client credentials as NDXP issues them (contract README, "Transport and
 * authentication"): Basic auth on the token endpoint, opaque bearer tokens with an expiry,
 * revocable before they expire. Tokens live in memory: a restarted simulator has revoked
 * them all, which is one more thing a client must survive.
 */
export interface SimulatorClient {
  clientId: string;
  clientSecret: string;
  /** The agency code this client sends as (X-Consumer-Code, signer OU, header.sender). */
  consumerCode: string;
  /** PEM bundle of the CAs its signing certificates chain to. */
  trustAnchorsPem: string;
}

export interface IssuedToken {
  accessToken: string;
  expiresIn: number;
}

export interface TokenHolder {
  client: SimulatorClient;
}

interface HeldToken {
  client: SimulatorClient;
  expiresAt: number;
  epoch: number;
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export class TokenStore {
  private readonly tokens = new Map<string, HeldToken>();

  constructor(
    private readonly clients: readonly SimulatorClient[],
    private readonly options: { ttlSeconds: number; now: () => Date; epoch: () => number },
  ) {}

  /** The client named by `Authorization: Basic`; AUTHEN_ERROR when unknown or the secret is wrong. */
  client(authorization: string | undefined): SimulatorClient {
    const credentials = basicCredentials(authorization);
    const client = credentials && this.clients.find((c) => sameText(c.clientId, credentials.id));
    if (!credentials || !client || !sameText(client.clientSecret, credentials.secret)) {
      throw new NationalRefusal('AUTHEN_ERROR', 'unknown client or wrong secret (HTTP Basic client_id:client_secret)');
    }
    return client;
  }

  issue(client: SimulatorClient): IssuedToken {
    this.sweep();
    const accessToken = randomBytes(32).toString('base64url');
    const expiresIn = this.options.ttlSeconds;
    this.tokens.set(accessToken, {
      client,
      expiresAt: this.options.now().getTime() + expiresIn * 1000,
      epoch: this.options.epoch(),
    });
    return { accessToken, expiresIn };
  }

  /** The client behind `Authorization: Bearer <token>`; AUTHEN_ERROR when missing, unknown, expired or revoked. */
  authenticate(authorization: string | undefined): TokenHolder {
    const token = bearerToken(authorization);
    if (!token) throw new NationalRefusal('AUTHEN_ERROR', 'missing bearer token');
    const held = this.tokens.get(token);
    if (!held) throw new NationalRefusal('AUTHEN_ERROR', 'unknown token');
    if (held.epoch !== this.options.epoch()) throw new NationalRefusal('AUTHEN_ERROR', 'token revoked');
    if (held.expiresAt <= this.options.now().getTime()) throw new NationalRefusal('AUTHEN_ERROR', 'token expired');
    return { client: held.client };
  }

  /** Forgets expired and revoked tokens, so a long rehearsal does not grow the map. */
  private sweep(): void {
    const now = this.options.now().getTime();
    const epoch = this.options.epoch();
    for (const [token, held] of this.tokens) {
      if (held.expiresAt <= now || held.epoch !== epoch) this.tokens.delete(token);
    }
  }
}
