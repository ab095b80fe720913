import type { X509Certificate } from 'node:crypto';
import { SigningError } from './signing-errors.js';
import { certificatesFromPem } from './signing-identity.js';

/**
 * Trust anchors (TRUST_ANCHORS_FILE, a PEM bundle) and path building from a signer's
 * certificate to one of them (RFC 5280 6, reduced to what the contract needs: names, key
 * identifiers and signatures, CA flag on issuers; validity is checked by the caller at the
 * CMS signingTime, not now).
 */
const MAX_DEPTH = 8;

export function parseTrustAnchors(pem: string, source = 'the trust anchor bundle'): X509Certificate[] {
  const anchors = certificatesFromPem(pem, source);
  if (anchors.length === 0) {
    throw new SigningError('signing.trust_anchors_empty', `${source} holds no PEM certificate`);
  }
  return anchors;
}

function issues(issuer: X509Certificate, subject: X509Certificate): boolean {
  // node: `a.checkIssued(b)` asks whether a was issued by b.
  return issuer.ca && subject.checkIssued(issuer) && subject.verify(issuer.publicKey);
}

/**
 * The path [leaf, ..., anchor] through the given intermediates, or undefined when the leaf does
 * not chain to any anchor. A leaf that is itself an anchor (pinned) is its own path.
 */
export function buildPath(
  leaf: X509Certificate,
  intermediates: X509Certificate[],
  anchors: X509Certificate[],
): X509Certificate[] | undefined {
  const isAnchor = (cert: X509Certificate): boolean => anchors.some((a) => a.fingerprint256 === cert.fingerprint256);
  const walk = (cert: X509Certificate, path: X509Certificate[]): X509Certificate[] | undefined => {
    if (isAnchor(cert)) return path;
    const anchor = anchors.find((a) => issues(a, cert));
    if (anchor !== undefined) return [...path, anchor];
    if (path.length >= MAX_DEPTH) return undefined;
    for (const candidate of intermediates) {
      if (path.some((p) => p.fingerprint256 === candidate.fingerprint256) || !issues(candidate, cert)) continue;
      const found = walk(candidate, [...path, candidate]);
      if (found !== undefined) return found;
    }
    return undefined;
  };
  return walk(leaf, [leaf]);
}
