import { openNamedSource } from '../compose/databases.js';
import { ensureDemoProvince, ensureRehearsalSource } from '../compose/demo-province.js';
import { loadEffectiveMapping } from '../mapping/mapping-loader.js';
import { countPeople } from '../source/person-counts.js';
import type { StartStep } from './gateway.js';

/**
 * Seeds the embedded demo provincial database (compose/demo-province.ts) and says in the
 * start-up lines how many people it holds, read through the mapping like every other read of
 * persons; the count is made here only, where it is printed. The rehearsal of a merged province
 * (DEMO_SOURCES=2) opens and seeds its second demo database here too, kept open for the sync
 * (services.demoSources): an embedded database started while the sync runs would hold up the
 * other steps' connections.
 */
export const demoProvinceStep: StartStep = async (ctx) => {
  if (!(await ensureDemoProvince(ctx.source, ctx.config, ctx.logger))) return;
  const counts = await countPeople(ctx.source.db, loadEffectiveMapping(ctx.config).source);
  const line = `provincial:  embedded demo database in ${ctx.config.dataDir}/provincial (${counts.people} people, ${counts.approved} approved)`;
  const i = ctx.summary.findIndex((l) => l.startsWith('provincial:'));
  if (i >= 0) ctx.summary[i] = line;
  else ctx.summary.push(line);
  const second = ctx.config.demoSources === 2 ? ctx.config.sources.sources[1] : undefined;
  if (!second) return;
  const opened = await openNamedSource(ctx.config, second.name, second.databaseUrl);
  ctx.onStop(() => opened.close());
  ctx.services.demoSources = new Map([[second.name, opened]]);
  await ensureRehearsalSource(opened, second.name, ctx.config, ctx.logger);
  const files = { mappingFile: second.mapping, mappingOverlayFile: second.overlayFile ?? `${ctx.config.dataDir}/mapping-overlay-${second.name}.json` };
  const more = await countPeople(opened.db, loadEffectiveMapping(files).source);
  ctx.summary.splice(ctx.summary.indexOf(line) + 1, 0,
    `rehearsal:   a merged province of 2 sources (DEMO_SOURCES=2): default, and ${second.name} in ${ctx.config.dataDir}/provincial-${second.name} ` +
    `(${more.people} people, ${more.approved} approved; people in both are conflicts: csdl-gateway tx conflicts)`);
};
