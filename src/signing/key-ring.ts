import { isGatewayError } from '../errors.js';
import { checkIdentity, daysUntilExpiry, EXPIRY_WARNING_DAYS, isValidAt, type SigningIdentity } from './signing-identity.js';
import { SigningError } from './signing-errors.js';

/**
 * Key rotation: the gateway may hold the current key and its successor (or its
 * predecessor) at once, and signs with the newest one that is valid at the moment of signing.
 * A successor installed ahead of its notBefore takes over by itself; an expired predecessor is
 * kept as a standby only so operators can see it. Anything else wrong with any identity (key
 * mismatch, short key, wrong OU) is a configuration error and refuses start-up.
 */
export type IdentityState = 'active' | 'standby' | 'expired' | 'not_yet_valid';

export interface IdentityStatus {
  source: string;
  subject: string;
  fingerprint: string;
  notBefore: Date;
  notAfter: Date;
  daysUntilExpiry: number;
  state: IdentityState;
}

export interface KeyRing {
  /** The newest identity valid at `at` (default now); throws signing.no_identity when none is. */
  current(at?: Date): SigningIdentity;
  /** One line per identity for /readyz and `keys` output. */
  status(at?: Date): IdentityStatus[];
  /** Warnings to log at start-up and show in /readyz (expiry within 30 days). */
  warnings(at?: Date): string[];
}

/** Newest first: latest notBefore, then latest notAfter. */
function byNewest(a: SigningIdentity, b: SigningIdentity): number {
  return (
    b.summary.notBefore.getTime() - a.summary.notBefore.getTime() ||
    b.summary.notAfter.getTime() - a.summary.notAfter.getTime()
  );
}

export function createKeyRing(
  identities: SigningIdentity[],
  options: { senderCode: string; now: Date; clock?: () => Date },
): KeyRing {
  if (identities.length === 0) throw new SigningError('signing.no_identity', 'no signing identity is configured');
  const ordered = [...identities].sort(byNewest);
  let usable = 0;
  let timeError: SigningError | undefined;
  for (const identity of ordered) {
    try {
      checkIdentity(identity, { senderCode: options.senderCode, now: options.now });
      usable += 1;
    } catch (err) {
      // Only the clock may rule an identity out for now; a wrong key, size or OU refuses start-up.
      const code = isGatewayError(err) ? err.code : '';
      if (code !== 'signing.cert_expired' && code !== 'signing.cert_not_yet_valid') throw err;
      timeError ??= err as SigningError;
    }
  }
  if (usable === 0 && timeError !== undefined) throw timeError;
  const clock = options.clock ?? (() => new Date());

  const current = (at: Date = clock()): SigningIdentity => {
    const found = ordered.find((identity) => isValidAt(identity.summary, at));
    if (found === undefined) {
      throw new SigningError(
        'signing.no_identity',
        `no signing certificate is valid at ${at.toISOString()} (${ordered.map((i) => i.source).join(', ')})`,
      );
    }
    return found;
  };

  const status = (at: Date = clock()): IdentityStatus[] => {
    const active = ordered.find((identity) => isValidAt(identity.summary, at));
    return ordered.map((identity) => {
      const { summary } = identity;
      let state: IdentityState = 'standby';
      if (identity === active) state = 'active';
      else if (at.getTime() < summary.notBefore.getTime()) state = 'not_yet_valid';
      else if (at.getTime() > summary.notAfter.getTime()) state = 'expired';
      return {
        source: identity.source,
        subject: summary.subject,
        fingerprint: summary.fingerprint,
        notBefore: summary.notBefore,
        notAfter: summary.notAfter,
        daysUntilExpiry: daysUntilExpiry(summary, at),
        state,
      };
    });
  };

  const warnings = (at: Date = clock()): string[] =>
    status(at)
      .filter((s) => s.state === 'active' && s.daysUntilExpiry < EXPIRY_WARNING_DAYS)
      .map(
        (s) =>
          `signing certificate ${s.subject} (${s.source}) expires in ${s.daysUntilExpiry} day(s), ` +
          `on ${s.notAfter.toISOString()}; install its successor`,
      );

  return { current, status, warnings };
}
