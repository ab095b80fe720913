import type { FieldGroup } from './field-filter.js';
import { FIELD_GROUPS } from './field-filter.js';
import { ShareError } from './share-error.js';

/**
 * What a client's grants allow, decided on plain values (docs/decisions/sharing.md). A request
 * is allowed when ONE grant covers all of it: the route, the purpose, the field groups and the
 * unit. The refusal names the first part no grant covers, in that order, so a client learns
 * what to ask its agreement for. Pure.
 */
export const SHARE_ROUTES = ['officials', 'units', 'statistics'] as const;
export type ShareRoute = (typeof SHARE_ROUTES)[number];

export interface Grant {
  id: string;
  routes: string[];
  /** Agency codes; each stands for its subtree. */
  units: string[];
  fieldGroups: string[];
  purposes: string[];
  ratePerSecond: number;
}

export interface AccessRequest {
  route: ShareRoute;
  purpose: string;
  /** Groups the caller asked for (`?fields=`); undefined: whatever the grant gives. */
  fields?: FieldGroup[];
}

/** The grants that cover route, purpose and requested groups; refuses naming the first part none covers. */
export function candidateGrants(grants: Grant[], request: AccessRequest): Grant[] {
  const byRoute = grants.filter((g) => g.routes.includes(request.route));
  if (byRoute.length === 0) {
    throw new ShareError('share.route_not_granted', `no grant of this client covers the route '${request.route}'`, { status: 403 });
  }
  const byPurpose = byRoute.filter((g) => g.purposes.includes(request.purpose));
  if (byPurpose.length === 0) {
    throw new ShareError('share.purpose_not_granted', `no grant of this client for '${request.route}' covers the purpose given in X-Purpose`, { status: 403 });
  }
  const wanted = request.fields;
  if (wanted === undefined || request.route === 'statistics') return byPurpose;
  const byFields = byPurpose.filter((g) => wanted.every((f) => g.fieldGroups.includes(f)));
  if (byFields.length === 0) {
    const missing = wanted.filter((f) => !byPurpose.some((g) => g.fieldGroups.includes(f)));
    throw new ShareError('share.field_group_not_granted', `field groups not granted for this purpose: ${(missing.length ? missing : wanted).join(', ')}`, {
      status: 403, details: [{ path: 'fields', message: 'no single grant covers all of the requested field groups' }],
    });
  }
  return byFields;
}

/** Every unit the candidates name (a person's or a listing's unit must lie under one). */
export function grantedUnits(grants: Grant[]): string[] {
  return [...new Set(grants.flatMap((g) => g.units))];
}

/**
 * The field groups to return: those of the candidates that cover one of `matchedUnits` (the
 * granted units the person's or listing's unit lies under), narrowed to what was asked.
 */
export function groupsFor(grants: Grant[], matchedUnits: string[], fields: FieldGroup[] | undefined): Set<FieldGroup> {
  const covering = grants.filter((g) => g.units.some((u) => matchedUnits.includes(u)));
  const granted = new Set(covering.flatMap((g) => g.fieldGroups));
  return new Set(FIELD_GROUPS.filter((f) => granted.has(f) && (fields === undefined || fields.includes(f))));
}

/** The client's limit: its most generous active grant (one counter per client, in the store). */
export function rateLimitOf(grants: Grant[]): number {
  return grants.reduce((max, g) => Math.max(max, g.ratePerSecond), 0);
}

/** The refusal of a request over the client's per-second limit; Retry-After: the window ends within the second. */
export function rateLimited(limit: number): ShareError {
  const err = new ShareError('share.rate_limited', `more than ${limit} requests in one second`, { status: 429 });
  err.retryAfter = 1;
  return err;
}
