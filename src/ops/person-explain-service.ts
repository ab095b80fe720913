import { failedOutcome, type AuditEntryInput, type AuditLog } from '../audit/audit-entry.js';
import { sourceUnavailable, unknownSource } from '../sources/sources-error.js';
import { DEFAULT_SOURCE } from '../sources/sources-file.js';
import { GatewayError, isGatewayError } from '../errors.js';
import { isDbUnavailable } from '../db/db.js';
import { OpsActionError } from './ops-actions-error.js';
import type { ReadContext } from './ops-service.js';
import type { OpsStore } from './ops-store.js';
import type { PersonVersion } from './ops-types.js';
import { versionOutcome } from './ops-views.js';
import { explainProblem, type Words } from './refusal-words.js';
import { failingVersionsOf, vendorIdsOf, type StoredProblem } from './refusal-store.js';
import { storedValues, type StoredValue } from './stored-value.js';
import type { Queryable } from '../db/db.js';

/**
 * A person looked up the way an operator knows them (số định danh, the legacy CMND, or the
 * vendor's person id) with every version the gateway took in, and each refusal still standing
 * explained: the national field, the value as the vendor database holds it now (read live: an
 * invalid version stores no record), the rule in words and what to change, in Vietnamese and
 * English (refusal-words.ts). Reading the vendor's row is a read of personal data: one audit
 * entry names the people found, appended before the answer leaves (and a refused lookup is
 * audited too, as ops-service.ts does).
 */
export type PersonLookup = { by: 'soDinhDanh' | 'cmnd' | 'vendorId'; value: string };

/** The provincial database as the explanation reads it (source/person-finder.ts, wired in compose). */
export interface PersonSource {
  /** The mapping's name and its person table (schema.table), for messages and value lookups. */
  mapping: string;
  personTable: string;
  /** The person table's CMND column, when the mapping declares one (`source.persons.cmnd`). */
  cmndColumn: string | undefined;
  vendorIdsByCmnd(cmnd: string): Promise<string[]>;
  /** The person's document as the sync reads it, or undefined when the vendor database has no such person. */
  document(vendorId: string): Promise<Record<string, unknown> | undefined>;
}

export interface Refusal {
  versionId: string;
  state: string;
  code: string;
  /** The national record's field (JSON Pointer). */
  path: string;
  message: string;
  /** Each vendor place the value came from, with its value now; none when the problem names no place. */
  stored: StoredValue[];
  /** The key of refusal-words.ts that explained it; null when none did. */
  ruleKey: string | null;
  rule: Words;
  fix: Words;
}

export interface ExplainedPerson {
  vendorId: string;
  soDinhDanh: string | null;
  acceptedAt: string | null;
  versions: PersonVersion[];
  refusals: Refusal[];
  /** Whether the vendor database still holds the person (false: deleted there, or no source to read). */
  inSource: boolean;
  /** A look-up across a merged province's sources: the source this person (vendor id, versions) is of. */
  source?: string;
}

export interface PersonExplanation {
  lookup: PersonLookup;
  people: ExplainedPerson[];
  /** A look-up across a merged province's sources: the sources that could not be read (the others answered). */
  unavailable?: UnavailableSource[];
}

export interface UnavailableSource {
  source: string;
  code: string;
  message: string;
}

export interface PersonExplainer {
  explain(ctx: ReadContext, lookup: PersonLookup): Promise<PersonExplanation>;
}

/** One source's look-up without its audit entry: what a look-up across sources asks each source. */
export interface PersonFinder {
  find(lookup: PersonLookup): Promise<ExplainedPerson[]>;
}

export interface PersonExplainerDeps {
  db: Queryable;
  store: OpsStore;
  audit: AuditLog;
  source: PersonSource;
  /** A merged province's one source (`tx person --source`): only the versions read from it. */
  sourceName?: string;
}

const ACTION = 'ops.person.explain';

/** One source's explainer by name (`?source=NAME`); refuses, audited, a name it does not know. */
export type SourceExplainer = (ctx: ReadContext, lookup: PersonLookup, source: string) => Promise<PersonExplanation>;

/**
 * `explainer(name)` gives a merged province's one source's explainer, or undefined for a name
 * neither listed nor known to the store: that lookup is refused with `sources.unknown_source`
 * (400) and audited as the explanation's own refusals are, naming the number asked about.
 */
export function sourceExplainer(audit: AuditLog, explainer: (name: string) => Promise<PersonExplainer | undefined>, known: readonly string[]): SourceExplainer {
  return async (ctx, lookup, name) => {
    const refuse = (err: GatewayError): Promise<never> => refuseLookup(audit, ctx, lookup, err, name);
    let one: PersonExplainer | undefined;
    try {
      one = await explainer(name);
    } catch (err) {
      // A listed source whose database does not open: its own code, audited as any refusal.
      if (isGatewayError(err) && err.code === 'sources.source_unavailable') return refuse(err);
      throw err;
    }
    if (one) return one.explain(ctx, lookup);
    return refuse(unknownSource(name, known));
  };
}

/**
 * Audits a refused look-up and throws its error. The number asked about is worth a trace even
 * when it names nobody (a vendor id names no one outside its database, so it is left out).
 */
async function refuseLookup(audit: AuditLog, ctx: ReadContext, lookup: PersonLookup, err: GatewayError, source: string | undefined): Promise<never> {
  await audit.append({
    actor: ctx.actor, action: ACTION, people: lookup.by === 'vendorId' ? [] : [lookup.value],
    ...(source !== undefined ? { source } : {}), ...(ctx.requestId ? { requestId: ctx.requestId } : {}), ...failedOutcome(err),
  });
  throw err;
}

/** A failure reading the provincial database because it cannot be reached (not a wrong statement). */
export function isSourceDown(err: unknown): boolean {
  return isDbUnavailable(err) || (isGatewayError(err) && err.code === 'db.unreachable');
}

export function createPersonExplainer(deps: PersonExplainerDeps): PersonExplainer & PersonFinder {
  const { db, store, audit, source, sourceName } = deps;

  const entry = (ctx: ReadContext, rest: Partial<AuditEntryInput>): AuditEntryInput => ({
    actor: ctx.actor, action: ACTION, outcome: 'ok', ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
    ...(sourceName !== undefined ? { source: sourceName } : {}), ...rest,
  });

  const refused = (ctx: ReadContext, lookup: PersonLookup, err: GatewayError): Promise<never> => refuseLookup(audit, ctx, lookup, err, sourceName);

  /** A read of the provincial database; one that cannot reach it is refused (503) with the source's code. */
  async function fromSource<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (err) {
      if (!isSourceDown(err)) throw err;
      throw sourceUnavailable(sourceName ?? DEFAULT_SOURCE, err);
    }
  }

  async function vendorIds(lookup: PersonLookup): Promise<string[]> {
    if (lookup.by === 'soDinhDanh') return vendorIdsOf(db, lookup.value, sourceName);
    if (lookup.by === 'vendorId') return [lookup.value];
    if (source.cmndColumn === undefined) {
      throw new OpsActionError('ops.cmnd_not_declared',
        `mapping '${source.mapping}' declares no CMND column (source.persons.cmnd), so a person cannot be looked up by CMND / ` +
        `ánh xạ '${source.mapping}' không khai báo cột CMND (source.persons.cmnd) nên không tra cứu được theo CMND; ` +
        'look them up by số định danh or vendor id / hãy tra theo số định danh hoặc mã nhân sự');
    }
    return fromSource(() => source.vendorIdsByCmnd(lookup.value));
  }

  async function explainOne(vendorId: string, failing: Awaited<ReturnType<typeof failingVersionsOf>>): Promise<ExplainedPerson> {
    const { versions, acceptedAt } = await store.personVersions({ vendorIds: [vendorId], ...(sourceName !== undefined ? { source: sourceName } : {}) });
    const doc = await fromSource(() => source.document(vendorId));
    const refusals = failing.filter((f) => f.vendorId === vendorId).flatMap((f) => f.problems.map((p) => refusal(f.id, f.state, p, doc)));
    const latest = versions[versions.length - 1];
    return {
      vendorId,
      soDinhDanh: latest?.soDinhDanh ?? null,
      acceptedAt: acceptedAt?.toISOString() ?? null,
      versions: versions.map((v) => ({ ...v, outcome: versionOutcome(v) })),
      refusals,
      inSource: doc !== undefined,
    };
  }

  function refusal(versionId: string, state: string, p: StoredProblem, doc: Record<string, unknown> | undefined): Refusal {
    const path = p.path ?? '';
    const places = p.source ?? '';
    const stored = doc === undefined ? places.split(', ').filter(Boolean).map((column) => ({ column })) : storedValues(doc, source.personTable, places, path);
    const words = explainProblem(p, places === '' ? `(${path || 'record'})` : places);
    return { versionId, state, code: p.code, path, message: p.message, stored, ruleKey: words.key ?? null, rule: words.rule, fix: words.fix };
  }

  /** The people the lookup names, explained; a refusal thrown, not audited (`explain` audits). */
  async function find(lookup: PersonLookup): Promise<ExplainedPerson[]> {
    const ids = await vendorIds(lookup);
    // Only people the gateway took in: the lookup explains what the gateway did with them.
    const taken = ids.length === 0 ? [] : (await store.personVersions({ vendorIds: ids, ...(sourceName !== undefined ? { source: sourceName } : {}) })).versions;
    const known = [...new Set(taken.map((v) => v.vendorId))];
    if (known.length === 0) {
      const what = lookup.by === 'cmnd' && ids.length > 0
        ? `the vendor database holds ${ids.length} person(s) with that CMND, but the gateway never took them in (not approved yet?) / CSDL của tỉnh có người mang CMND này nhưng gateway chưa nhận (chưa duyệt?)`
        : 'no version of this person was taken in / gateway chưa nhận phiên bản nào của người này';
      throw new OpsActionError('ops.person_not_found', what);
    }
    const failing = await failingVersionsOf(db, known, sourceName);
    const people: ExplainedPerson[] = [];
    for (const vendorId of known) people.push(await explainOne(vendorId, failing));
    return people;
  }

  return {
    find,
    async explain(ctx, lookup) {
      let people: ExplainedPerson[];
      try {
        people = await find(lookup);
      } catch (err) {
        if (isGatewayError(err)) return refused(ctx, lookup, err);
        throw err;
      }
      await audit.append(entry(ctx, { people: namedPeople(lookup, people) }));
      return { lookup, people };
    },
  };
}

/** Who an explanation's audit entry names: the people found, and a CMND asked about. */
function namedPeople(lookup: PersonLookup, people: readonly ExplainedPerson[]): string[] {
  const named = people.map((p) => p.soDinhDanh).filter((s): s is string => s !== null);
  return [...new Set(lookup.by === 'cmnd' ? [...named, lookup.value] : named)];
}

/** One source's part of a look-up across sources: its name and its finder (opened when asked). */
export interface SourceFinder {
  name: string;
  finder(): Promise<PersonFinder>;
}

/**
 * A merged province's person looked up in every source at once (`tx person` without
 * `--source`, `explain` without `?source=`): each listed source through its own database and
 * mapping (a CMND is looked up in each), and for a số định danh or vendor id also the sources
 * removed from the file that hold the person's versions (`stored`, their versions only). Each
 * person found names their source. A source that cannot be read is listed in `unavailable`
 * and the others still answer; found in none, the look-up is refused: 503
 * `sources.source_unavailable` when a source could not be read, `ops.cmnd_not_declared` when no
 * source's mapping declares a CMND column, `ops.person_not_found` otherwise. Each source that
 * named someone has its audit entry (its people, its name); a refusal has one entry naming the
 * number asked about (and the source, when one source could not be read).
 */
export function acrossSourcesExplainer(audit: AuditLog, listed: readonly SourceFinder[], stored: (lookup: PersonLookup, listed: readonly string[]) => Promise<SourceFinder[]>): PersonExplainer {
  return {
    async explain(ctx, lookup) {
      const all = [...listed, ...await stored(lookup, listed.map((s) => s.name))];
      const answers = await Promise.all(all.map(async (s): Promise<{ source: string; people: ExplainedPerson[] } | { source: string; err: unknown }> => {
        try {
          return { source: s.name, people: await (await s.finder()).find(lookup) };
        } catch (err) {
          return { source: s.name, err };
        }
      }));
      const people: ExplainedPerson[] = [];
      const unavailable: UnavailableSource[] = [];
      const refusals: GatewayError[] = [];
      for (const a of answers) {
        if ('people' in a) people.push(...a.people.map((p) => ({ ...p, source: a.source })));
        else if (isGatewayError(a.err) && a.err.code === 'sources.source_unavailable') unavailable.push({ source: a.source, code: a.err.code, message: a.err.message });
        else if (isGatewayError(a.err) && (a.err.code === 'ops.person_not_found' || a.err.code === 'ops.cmnd_not_declared')) refusals.push(a.err);
        else throw a.err;
      }
      const base = { actor: ctx.actor, action: ACTION, ...(ctx.requestId ? { requestId: ctx.requestId } : {}) };
      if (people.length === 0) {
        const err = unavailable.length > 0
          ? sourceUnavailable(unavailable.map((u) => u.source).join(', '), undefined)
          : refusals.find((r) => r.code === 'ops.person_not_found') ?? refusals[0] ?? new OpsActionError('ops.person_not_found', 'no source holds this person / không nguồn nào có người này');
        return refuseLookup(audit, ctx, lookup, err, unavailable.length === 1 ? unavailable[0]!.source : undefined);
      }
      // One entry per source read that named someone: who read which source's people.
      for (const a of answers) {
        if ('people' in a && a.people.length > 0) await audit.append({ ...base, outcome: 'ok', source: a.source, people: namedPeople(lookup, a.people) });
      }
      return { lookup, people, ...(unavailable.length > 0 ? { unavailable } : {}) };
    },
  };
}
