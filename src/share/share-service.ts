import type { Queryable } from '../db/db.js';
import { createClientStore, type Authenticated } from './client-store.js';
import { hashSecret, newSecret, secretMatches } from './client-credentials.js';
import { filterRecord, groupsReturned, type FieldGroup, type FieldPlan } from './field-filter.js';
import { candidateGrants, grantedUnits, groupsFor, rateLimited, rateLimitOf } from './grant-policy.js';
import { createRateLeases } from './rate-leases.js';
import { createSharedRecordStore, type ServedRecord, type StatisticsDimension } from './shared-record-store.js';
import { ShareError } from './share-error.js';
import { createServedCache, groupsKey, type ServedEntry } from './served-cache.js';
import { DEFAULT_MIN_CELL, DIMENSION_GROUP, suppressSmallCells } from './statistics.js';
import type { UnitQuery } from './share-params.js';

/**
 * The sharing endpoint's work, between the router (HTTP, audit, envelopes) and the stores.
 * Every answer says what it gave away (`people`, `unit`, `fieldGroups`) for the audit entry.
 * A person outside the client's units is answered exactly as an unknown person, so the
 * endpoint never tells who works where (docs/decisions/sharing.md).
 */
export interface ShareAnswer {
  body: unknown;
  /** The body's JSON bytes when already built (`JSON.stringify(body)`, byte for byte). */
  json?: Buffer;
  people: string[];
  unit?: string;
  fieldGroups: FieldGroup[];
}

export interface ShareServiceOptions {
  db: Queryable;
  plan: FieldPlan;
  /** Lifetime of an issued token; default one hour. */
  tokenTtlSeconds?: number;
  /** The smallest count a statistics cell shows (SHARE_STATISTICS_MIN_CELL); default 5. */
  statisticsMinCell?: number;
  /** People whose served record and built answers this process keeps (served-cache.ts); default 5,000. */
  servedCacheSize?: number;
}

export interface TokenAnswer {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

const notFound = () => new ShareError('share.official_not_found', 'no such official', { status: 404 });
const invalidToken = () => new ShareError('share.token_invalid', 'the token is unknown, expired or revoked', { status: 401 });

export function createShareService(options: ShareServiceOptions) {
  const clients = createClientStore(options.db);
  // This process's slices of each client's rate budget (rate-leases.ts): one per service, as one per process.
  const leases = createRateLeases((agencyCode, want, limit, sending) => clients.leaseRate(agencyCode, want, limit, sending));
  const records = createSharedRecordStore(options.db);
  const ttl = options.tokenTtlSeconds ?? 3600;
  const minCell = options.statisticsMinCell ?? DEFAULT_MIN_CELL;
  const served = createServedCache(options.servedCacheSize);

  /** The record of `found`, from what this process holds when the statement left it out; held for the next read. */
  function entryOf(soDinhDanh: string, found: ServedRecord, held: ServedEntry | undefined): ServedEntry {
    if (held && held.version === found.version) return held;
    if (found.record === undefined) throw new ShareError('share.internal', 'a served record was left out for a version this process does not hold', { status: 500 });
    return served.put(soDinhDanh, found.version, found.record);
  }

  return {
    /** OAuth2 client credentials (RFC 6749 4.4): a fresh token for a client in force. */
    async issueToken(agencyCode: string, secret: string): Promise<TokenAnswer> {
      const stored = await clients.secretHashOf(agencyCode);
      // Hash and compare even for an unknown client, so the answer takes the same time.
      const ok = secretMatches(secret, stored ?? hashSecret('')) && stored !== undefined;
      if (!ok) throw new ShareError('share.client_invalid', 'unknown client, wrong secret or revoked client', { status: 401 });
      const token = newSecret();
      await clients.storeToken(hashSecret(token), agencyCode, ttl);
      return { access_token: token, token_type: 'Bearer', expires_in: ttl };
    },

    /**
     * The caller behind a bearer token; refuses with 401. The rate is checked apart
     * (`checkRate`), once the caller is known to the audit entry.
     */
    async authenticate(token: string | undefined, alsoRead?: string): Promise<Authenticated> {
      if (token === undefined) throw new ShareError('share.token_missing', 'a bearer token from POST /share/oauth2/token is required', { status: 401 });
      // The entry is held from before the statement, so the version it names is one this read can use.
      const held = alsoRead === undefined ? undefined : served.get(alsoRead);
      const caller = await clients.authenticate(hashSecret(token), alsoRead, held?.version);
      if (!caller) throw invalidToken();
      const found = caller.read?.served;
      if (caller.read && found) caller.read.entry = entryOf(caller.read.soDinhDanh, found, held);
      return caller;
    },

    /** Counts the request against its caller's rate; refuses (429) one over its grants' rate in this second. */
    async checkRate(caller: Authenticated): Promise<void> {
      if (caller.grants.length === 0) return; // refused later for the grant it lacks
      const limit = rateLimitOf(caller.grants);
      if (!(await leases.admit(caller.agencyCode, limit))) throw rateLimited(limit);
    },

    async official(caller: Authenticated, purpose: string, soDinhDanh: string, fields: FieldGroup[] | undefined): Promise<ShareAnswer> {
      const grants = candidateGrants(caller.grants, { route: 'officials', purpose, ...(fields ? { fields } : {}) });
      const read = caller.read?.soDinhDanh === soDinhDanh ? caller.read : undefined;
      const found = read ? read.served : await records.official(soDinhDanh);
      const granted = grantedUnits(grants);
      const matched = found ? found.ancestors.filter((u) => granted.includes(u)) : [];
      if (!found || matched.length === 0) throw notFound();
      const entry = read?.entry ?? entryOf(soDinhDanh, found, undefined);
      const groups = groupsFor(grants, matched, fields);
      const built = served.answer(entry, groupsKey(groups), () => {
        const record = filterRecord(entry.record, groups, options.plan);
        const fieldGroups = groupsReturned(record, groups, options.plan);
        const body = { soDinhDanh, approvedAt: found.approvedAt, fieldGroups, record };
        return { body, json: Buffer.from(JSON.stringify(body), 'utf8'), fieldGroups };
      });
      return {
        body: built.body, json: built.json,
        people: [soDinhDanh], fieldGroups: built.fieldGroups,
        ...(typeof entry.record.donViSuDung === 'string' ? { unit: entry.record.donViSuDung } : {}),
      };
    },

    async unitOfficials(caller: Authenticated, purpose: string, unit: string, query: UnitQuery, fields: FieldGroup[] | undefined): Promise<ShareAnswer> {
      const grants = candidateGrants(caller.grants, { route: 'units', purpose, ...(fields ? { fields } : {}) });
      const access = await records.unitAccess(unit, grantedUnits(grants));
      // Unknown and ungranted answer alike: the listing never tells which units exist outside a grant.
      if (!access.known || access.matched.length === 0) throw new ShareError('share.unit_not_granted', 'this unit is outside the units granted for this route and purpose', { status: 403 });
      const groups = groupsFor(grants, access.matched, fields);
      const page = await records.unitPage({
        unit, includeSubunits: query.includeSubunits, ...(query.status ? { status: query.status } : {}),
        limit: query.pageSize, offset: (query.page - 1) * query.pageSize,
      });
      const returned = new Set<FieldGroup>();
      const items = page.items.map((item) => {
        const record = filterRecord(item.record, groups, options.plan);
        for (const g of groupsReturned(record, groups, options.plan)) returned.add(g);
        return { soDinhDanh: item.soDinhDanh, approvedAt: item.approvedAt, record };
      });
      const fieldGroups = [...groups].filter((g) => returned.has(g));
      return {
        body: { unit, includeSubunits: query.includeSubunits, page: query.page, pageSize: query.pageSize, total: page.total, fieldGroups, items },
        people: items.map((i) => i.soDinhDanh), unit, fieldGroups,
      };
    },

    /**
     * Counts by one dimension over the granted units only, and only by a dimension whose field
     * group a grant for this purpose gives (a breakdown by salary grade tells salary grades);
     * a cell under the threshold is suppressed (statistics.ts).
     */
    async statistics(caller: Authenticated, purpose: string, groupBy: StatisticsDimension, unit: string | undefined): Promise<ShareAnswer> {
      const needed = DIMENSION_GROUP[groupBy];
      const grants = candidateGrants(caller.grants, { route: 'statistics', purpose }).filter((g) => g.fieldGroups.includes(needed));
      if (grants.length === 0) {
        throw new ShareError('share.field_group_not_granted', `a breakdown by ${groupBy} needs the field group ${needed} for this purpose`, {
          status: 403, details: [{ path: 'groupBy', message: `needs ${needed}` }],
        });
      }
      const granted = grantedUnits(grants);
      let units = granted;
      if (unit !== undefined) {
        const access = await records.unitAccess(unit, granted);
        // Unknown and ungranted answer alike: the endpoint never tells which units exist outside a grant.
        if (!access.known || access.matched.length === 0) throw new ShareError('share.unit_not_granted', 'this unit is outside the units granted for statistics and this purpose', { status: 403 });
        units = [unit];
      }
      const table = suppressSmallCells(await records.statistics(groupBy, units), minCell);
      return {
        body: { groupBy, ...(unit ? { unit } : { units }), minCell, ...table },
        people: [], fieldGroups: [needed], ...(unit ? { unit } : {}),
      };
    },
  };
}

export type ShareService = ReturnType<typeof createShareService>;
