import { generatePeople } from '../demo/generate-people.js';
import { installProvincialSchema } from '../demo/provincial-schema.js';
import type { StartStep } from './gateway.js';

/**
 * The embedded default's provincial database: on first start it receives the vendor schema,
 * its sample, and DEMO_PEOPLE generated people, so the gateway has real data to map and sync.
 * A configured SOURCE_DATABASE_URL is the province's own database and is never written here.
 */
export const demoProvinceStep: StartStep = async (ctx) => {
  if (!ctx.source.embedded) return;
  const db = ctx.source.db;
  const installed = await installProvincialSchema(db, { sample: true });
  if (installed.schemaCreated && ctx.config.demoPeople > 0) {
    ctx.logger.info('generating demo people', { people: ctx.config.demoPeople });
    await generatePeople(db, { people: ctx.config.demoPeople, concurrency: 1 });
  }
  const res = await db.query<{ people: number; approved: number }>(
    `SELECT count(*)::int AS people,
            count(*) FILTER (WHERE (SELECT p.trang_thai FROM qlcb.phe_duyet p WHERE p.can_bo_id = c.id
                                    ORDER BY p.id DESC LIMIT 1) = 'DA_DUYET')::int AS approved
       FROM qlcb.can_bo c`,
  );
  const row = res.rows[0];
  const i = ctx.summary.findIndex((line) => line.startsWith('provincial:'));
  const line = `provincial:  embedded demo database in ${ctx.config.dataDir}/provincial (${row?.people ?? 0} people, ${row?.approved ?? 0} approved)`;
  if (i >= 0) ctx.summary[i] = line;
  else ctx.summary.push(line);
};
