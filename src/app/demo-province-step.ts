import { ensureDemoProvince } from '../compose/demo-province.js';
import type { Queryable } from '../db/db.js';
import type { StartStep } from './gateway.js';

/** People in the provincial database, and those whose latest approval is DA_DUYET. */
async function countPeople(db: Queryable): Promise<{ people: number; approved: number }> {
  const res = await db.query<{ people: number; approved: number }>(
    `SELECT count(*)::int AS people,
            count(*) FILTER (WHERE (SELECT p.trang_thai FROM qlcb.phe_duyet p WHERE p.can_bo_id = c.id
                                    ORDER BY p.id DESC LIMIT 1) = 'DA_DUYET')::int AS approved
       FROM qlcb.can_bo c`,
  );
  return res.rows[0] ?? { people: 0, approved: 0 };
}

/**
 * Seeds the embedded demo provincial database (compose/demo-province.ts) and says in the
 * start-up lines how many people it holds; the count is made here only, where it is printed.
 */
export const demoProvinceStep: StartStep = async (ctx) => {
  if (!(await ensureDemoProvince(ctx.source, ctx.config, ctx.logger))) return;
  const counts = await countPeople(ctx.source.db);
  const line = `provincial:  embedded demo database in ${ctx.config.dataDir}/provincial (${counts.people} people, ${counts.approved} approved)`;
  const i = ctx.summary.findIndex((l) => l.startsWith('provincial:'));
  if (i >= 0) ctx.summary[i] = line;
  else ctx.summary.push(line);
};
