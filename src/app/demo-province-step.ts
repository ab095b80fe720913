import type { OpenedDatabase } from '../compose/databases.js';
import type { Config } from '../config/config.js';
import { generatePeople } from '../demo/generate-people.js';
import { installProvincialSchema } from '../demo/provincial-schema.js';
import type { Logger } from '../log/logger.js';
import type { StartStep } from './gateway.js';

/**
 * The embedded default's provincial database: whichever command opens it first (start, sync,
 * map...) gives it the vendor schema, its sample, and DEMO_PEOPLE generated people, so the
 * gateway has real data to map and sync. A configured SOURCE_DATABASE_URL is the province's
 * own database and is never written here.
 */
export async function ensureDemoProvince(source: OpenedDatabase, config: Config, logger: Logger): Promise<{ people: number; approved: number } | undefined> {
  if (!source.embedded) return undefined;
  const installed = await installProvincialSchema(source.db, { sample: true });
  if (installed.schemaCreated && config.demoPeople > 0) {
    logger.info('generating demo people', { people: config.demoPeople });
    await generatePeople(source.db, { people: config.demoPeople, concurrency: 1 });
  }
  const res = await source.db.query<{ people: number; approved: number }>(
    `SELECT count(*)::int AS people,
            count(*) FILTER (WHERE (SELECT p.trang_thai FROM qlcb.phe_duyet p WHERE p.can_bo_id = c.id
                                    ORDER BY p.id DESC LIMIT 1) = 'DA_DUYET')::int AS approved
       FROM qlcb.can_bo c`,
  );
  return res.rows[0];
}

export const demoProvinceStep: StartStep = async (ctx) => {
  const counts = await ensureDemoProvince(ctx.source, ctx.config, ctx.logger);
  if (!counts) return;
  const line = `provincial:  embedded demo database in ${ctx.config.dataDir}/provincial (${counts.people} people, ${counts.approved} approved)`;
  const i = ctx.summary.findIndex((l) => l.startsWith('provincial:'));
  if (i >= 0) ctx.summary[i] = line;
  else ctx.summary.push(line);
};
