// Demo data at scale: 100,000 people (under 60 s into a real PostgreSQL).
// Run: npx tsx bench/demo-data.bench.ts [people]
import { createDb } from '../src/db/db.js';
import { generatePeople } from '../src/demo/generate-people.js';
import { installProvincialSchema } from '../src/demo/provincial-schema.js';
import { startThrowawayPostgres } from '../test/setup/postgres-server.js';

const people = Number(process.argv[2] ?? 100_000);
const server = await startThrowawayPostgres();
const db = createDb(server.url, { max: 4 });
try {
  await installProvincialSchema(db, { sample: true });
  const started = performance.now();
  let last = 0;
  const summary = await generatePeople(db, {
    people,
    seed: 2026,
    onProgress: (done) => {
      if (done - last >= 20_000 || done === people) {
        last = done;
        console.log(`  ${done} people, ${((performance.now() - started) / 1000).toFixed(1)} s`);
      }
    },
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(`demo-data: ${summary.people} people in ${seconds.toFixed(1)} s (${Math.round(summary.people / seconds)} people/s)`);
  const counts = await db.query<{ t: string; n: number }>(
    `SELECT relname AS t, n_live_tup::int AS n FROM pg_stat_user_tables WHERE schemaname = 'qlcb' ORDER BY relname`,
  );
  let total = 0;
  for (const { t } of counts.rows) {
    const n = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM qlcb.${t}`)).rows[0]?.n ?? 0;
    total += n;
    console.log(`  qlcb.${t.padEnd(22)} ${String(n).padStart(9)}`);
  }
  console.log(`  rows in all tables        ${String(total).padStart(9)}`);
  console.log(`  approved ${summary.approved}, intentionally invalid ${summary.intentionallyInvalid.size}`);
  console.log(`  quirks ${JSON.stringify(summary.byQuirk)}`);
  console.log(`  heap used at the end ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`);
} finally {
  await db.close();
  server.stop();
}
