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
}

export interface PersonExplanation {
  lookup: PersonLookup;
  people: ExplainedPerson[];
}

export interface PersonExplainer {
  explain(ctx: ReadContext, lookup: PersonLookup): Promise<PersonExplanation>;
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
    const refuse = async (err: GatewayError): Promise<never> => {
      await audit.append({
        actor: ctx.actor, action: ACTION, people: lookup.by === 'vendorId' ? [] : [lookup.value], source: name,
        ...(ctx.requestId ? { requestId: ctx.requestId } : {}), ...failedOutcome(err),
      });
      throw err;
    };
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

/** A failure reading the provincial database because it cannot be reached (not a wrong statement). */
export function isSourceDown(err: unknown): boolean {
  return isDbUnavailable(err) || (isGatewayError(err) && err.code === 'db.unreachable');
}

export function createPersonExplainer(deps: PersonExplainerDeps): PersonExplainer {
  const { db, store, audit, source, sourceName } = deps;

  const entry = (ctx: ReadContext, rest: Partial<AuditEntryInput>): AuditEntryInput => ({
    actor: ctx.actor, action: ACTION, outcome: 'ok', ...(ctx.requestId ? { requestId: ctx.requestId } : {}),
    ...(sourceName !== undefined ? { source: sourceName } : {}), ...rest,
  });

  async function refused(ctx: ReadContext, lookup: PersonLookup, err: GatewayError): Promise<never> {
    // The number asked about is worth a trace even when it names nobody.
    await audit.append(entry(ctx, { people: lookup.by === 'vendorId' ? [] : [lookup.value], ...failedOutcome(err) }));
    throw err;
  }

  /** A read of the provincial database; one that cannot reach it is refused (503, audited) with the source's code. */
  async function fromSource<T>(ctx: ReadContext, lookup: PersonLookup, read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (err) {
      if (!isSourceDown(err)) throw err;
      return refused(ctx, lookup, sourceUnavailable(sourceName ?? DEFAULT_SOURCE, err));
    }
  }

  async function vendorIds(ctx: ReadContext, lookup: PersonLookup): Promise<string[]> {
    if (lookup.by === 'soDinhDanh') return vendorIdsOf(db, lookup.value, sourceName);
    if (lookup.by === 'vendorId') return [lookup.value];
    if (source.cmndColumn === undefined) {
      return refused(ctx, lookup, new OpsActionError('ops.cmnd_not_declared',
        `mapping '${source.mapping}' declares no CMND column (source.persons.cmnd), so a person cannot be looked up by CMND / ` +
        `ánh xạ '${source.mapping}' không khai báo cột CMND (source.persons.cmnd) nên không tra cứu được theo CMND; ` +
        'look them up by số định danh or vendor id / hãy tra theo số định danh hoặc mã nhân sự'));
    }
    return fromSource(ctx, lookup, () => source.vendorIdsByCmnd(lookup.value));
  }

  async function explainOne(ctx: ReadContext, lookup: PersonLookup, vendorId: string, failing: Awaited<ReturnType<typeof failingVersionsOf>>): Promise<ExplainedPerson> {
    const { versions, acceptedAt } = await store.personVersions({ vendorIds: [vendorId], ...(sourceName !== undefined ? { source: sourceName } : {}) });
    const doc = await fromSource(ctx, lookup, () => source.document(vendorId));
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

  return {
    async explain(ctx, lookup) {
      const ids = await vendorIds(ctx, lookup);
      // Only people the gateway took in: the lookup explains what the gateway did with them.
      const taken = ids.length === 0 ? [] : (await store.personVersions({ vendorIds: ids, ...(sourceName !== undefined ? { source: sourceName } : {}) })).versions;
      const known = [...new Set(taken.map((v) => v.vendorId))];
      if (known.length === 0) {
        const what = lookup.by === 'cmnd' && ids.length > 0
          ? `the vendor database holds ${ids.length} person(s) with that CMND, but the gateway never took them in (not approved yet?) / CSDL của tỉnh có người mang CMND này nhưng gateway chưa nhận (chưa duyệt?)`
          : 'no version of this person was taken in / gateway chưa nhận phiên bản nào của người này';
        return refused(ctx, lookup, new OpsActionError('ops.person_not_found', what));
      }
      const failing = await failingVersionsOf(db, known, sourceName);
      const people: ExplainedPerson[] = [];
      for (const vendorId of known) people.push(await explainOne(ctx, lookup, vendorId, failing));
      const named = people.map((p) => p.soDinhDanh).filter((s): s is string => s !== null);
      await audit.append(entry(ctx, { people: [...new Set(lookup.by === 'cmnd' ? [...named, lookup.value] : named)] }));
      return { lookup, people };
    },
  };
}
