import type { Db } from '../db/db.js';
import { describeError } from '../errors.js';
import type { CompiledMapping } from '../mapping/mapping-compiler.js';
import type { StagingSpec } from '../mapping/mapping-types.js';
import { findUnit, isActiveHere, stagingOf, type VendorUnit } from './staging-writer.js';
import { TransferError } from './transfer-error.js';

/**
 * The provincial databases a pull may stage in: one (`default`) for a one-database province, a
 * merged province's sources otherwise (docs/merged-province.md, "Pull"). Each declares its unit
 * tree and staging table in its own mapping, so the receiving unit is looked up in every
 * source's tree and the record is staged in the one that holds it, with that source's mapping.
 */
export interface PullSource {
  name: string;
  mapping(): CompiledMapping;
  db(): Promise<Db>;
}

/** Where a pull stages: the source, its database and mapping, and the receiving unit in it. */
export interface ReceivingPlace {
  source: string;
  db: Db;
  mapping: CompiledMapping;
  staging: StagingSpec;
  unit: VendorUnit;
}

async function opened(source: PullSource): Promise<Db> {
  try {
    return await source.db();
  } catch (err) {
    throw new TransferError('transfer.source_unavailable', `source ${source.name} cannot be reached, so the pull cannot tell where the unit is or whether the person works there: ${describeError(err)}`, { cause: err });
  }
}

/**
 * The source holding the agency code `receivingUnit`. `named` (the caller's receivingSource)
 * restricts the look-up to that source. Refusals: the named source is not configured
 * (`transfer.source_unknown`); no source declares a unit tree and staging table
 * (`transfer.staging_unmapped`, as for one database); no source holds the code
 * (`transfer.unit_unknown`); two or more do (`transfer.unit_ambiguous`, naming them: the
 * caller names one); a source that must be searched is unreachable (`transfer.source_unavailable`).
 */
export async function locateReceivingUnit(sources: readonly PullSource[], receivingUnit: string, named?: string): Promise<ReceivingPlace> {
  let searched = sources;
  if (named !== undefined) {
    const one = sources.find((s) => s.name === named);
    if (!one) {
      throw new TransferError('transfer.source_unknown', `no source is named '${named}'; the sources are ${sources.map((s) => s.name).join(', ')}`);
    }
    searched = [one];
  }
  const staged = searched.filter((s) => s.mapping().staging && s.mapping().units);
  // None can stage: the first one's refusal, as a one-database province gets it.
  if (staged.length === 0) stagingOf(searched[0]!.mapping());
  const found = await Promise.all(staged.map(async (source) => {
    const mapping = source.mapping();
    const { staging, units } = stagingOf(mapping);
    const db = await opened(source);
    const unit = await findUnit(db, units, receivingUnit);
    return unit ? { source: source.name, db, mapping, staging, unit } : undefined;
  }));
  const places = found.filter((p): p is ReceivingPlace => p !== undefined);
  if (places.length === 0) {
    const where = named !== undefined ? `source ${named}` : sources.length > 1 ? 'any source of this province' : 'this province';
    throw new TransferError('transfer.unit_unknown', `no unit of ${where} has the agency code ${receivingUnit}`);
  }
  if (places.length > 1) {
    const names = places.map((p) => p.source);
    throw new TransferError('transfer.unit_ambiguous', `the agency code ${receivingUnit} is a unit of several sources (${names.join(', ')}); name the one to stage in (receivingSource, or --source)`, {
      details: names.map((name) => ({ path: '/receivingSource', message: `candidate: ${name}` })),
    });
  }
  return places[0]!;
}

/**
 * The sources in which the person is active now (each by its own mapping's `staging.active`);
 * empty when none. A source whose mapping declares no staging has no rule to ask and is not
 * asked (mappings/README.md `staging.active`).
 */
export async function activeIn(sources: readonly PullSource[], soDinhDanh: string): Promise<string[]> {
  const hits = await Promise.all(sources.map(async (source) => {
    const mapping = source.mapping();
    if (!mapping.staging) return undefined;
    const db = await opened(source);
    return (await isActiveHere(db, mapping, mapping.staging, soDinhDanh)) ? source.name : undefined;
  }));
  return hits.filter((n): n is string => n !== undefined);
}
