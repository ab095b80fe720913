import type { ConflictPolicy } from './sources-file.js';

/**
 * Which source speaks for a person nationally, in a merged province (docs/merged-province.md).
 * The số định danh is the national identity; of the sources that hold a person, one at a time
 * owns it. Pure: the store gives the owner and whether a conflict is open, and records the
 * outcome (src/sources/ownership-store.ts).
 */
export interface Owner {
  source: string;
  vendorId: string;
  /** The owner's last word was that the official left service (an `archive`). */
  departed: boolean;
}

export interface Candidate {
  source: string;
  vendorId: string;
  operation: 'upsert' | 'archive';
  approvedAt: string;
}

export type Decision =
  /** Sent; the source owns (or keeps owning) the person. `moved`: it takes over from a source that said they left. */
  | { kind: 'send'; owner: Owner; moved: boolean }
  /** Held: an open conflict, or a non-owner saying the official left (the owner speaks for them). */
  | { kind: 'hold' }
  /** A second source approves a person its owner still holds in service: held, and a conflict opened. */
  | { kind: 'conflict' }
  /** The same, settled at once by the file's policy: the later approval wins. */
  | { kind: 'policy'; winner: 'candidate' | 'owner'; owner: Owner };

/**
 * What becomes of a version the sync would send. `ownerApprovedAt`: the owner's latest
 * approval time, when known (for the latest-approval policy).
 */
export function decideOwnership(c: Candidate, owner: Owner | undefined, conflictOpen: boolean, policy: ConflictPolicy, ownerApprovedAt?: string): Decision {
  if (conflictOpen) return { kind: 'hold' };
  const mine: Owner = { source: c.source, vendorId: c.vendorId, departed: c.operation === 'archive' };
  if (!owner || (owner.source === c.source && owner.vendorId === c.vendorId)) return { kind: 'send', owner: mine, moved: false };
  // Another source, or another vendor id of the same source, holds the person.
  if (c.operation === 'archive') return { kind: 'hold' };
  if (owner.departed) return { kind: 'send', owner: mine, moved: true };
  if (policy === 'latest-approval' && ownerApprovedAt !== undefined) {
    return Date.parse(c.approvedAt) > Date.parse(ownerApprovedAt)
      ? { kind: 'policy', winner: 'candidate', owner: mine }
      : { kind: 'policy', winner: 'owner', owner };
  }
  return { kind: 'conflict' };
}

/**
 * The JSON paths (RFC 6901) where two records differ: paths only, never values, so a conflict
 * can be listed and logged without personal data. Arrays are compared element by element.
 */
export function differingPaths(a: unknown, b: unknown, at = ''): string[] {
  if (a === b) return [];
  const bothObjects = a !== null && b !== null && typeof a === 'object' && typeof b === 'object';
  if (!bothObjects || Array.isArray(a) !== Array.isArray(b)) return [at === '' ? '/' : at];
  const keys = Array.isArray(a)
    ? Array.from({ length: Math.max(a.length, (b as unknown[]).length) }, (_, i) => String(i))
    : [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])].sort();
  const escape = (k: string) => k.replaceAll('~', '~0').replaceAll('/', '~1');
  return keys.flatMap((k) => differingPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${at}/${escape(k)}`));
}
