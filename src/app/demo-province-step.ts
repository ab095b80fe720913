import { ensureDemoProvince } from '../compose/demo-province.js';
import { loadEffectiveMapping } from '../mapping/mapping-loader.js';
import { countPeople } from '../source/person-counts.js';
import type { StartStep } from './gateway.js';

/**
 * Seeds the embedded demo provincial database (compose/demo-province.ts) and says in the
 * start-up lines how many people it holds, read through the mapping like every other read of
 * persons; the count is made here only, where it is printed.
 */
export const demoProvinceStep: StartStep = async (ctx) => {
  if (!(await ensureDemoProvince(ctx.source, ctx.config, ctx.logger))) return;
  const counts = await countPeople(ctx.source.db, loadEffectiveMapping(ctx.config).source);
  const line = `provincial:  embedded demo database in ${ctx.config.dataDir}/provincial (${counts.people} people, ${counts.approved} approved)`;
  const i = ctx.summary.findIndex((l) => l.startsWith('provincial:'));
  if (i >= 0) ctx.summary[i] = line;
  else ctx.summary.push(line);
};
