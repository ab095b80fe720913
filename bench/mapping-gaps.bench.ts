import { createDb } from '../src/db/db.js';
import { generatePeople } from '../src/demo/generate-people.js';
import { installProvincialSchema } from '../src/demo/provincial-schema.js';
import { readAbbreviations } from '../src/mapping-gaps/abbreviations-file.js';
import { findGaps, type Gap } from '../src/mapping-gaps/gaps-service.js';
import { loadMapping } from '../src/mapping/mapping-loader.js';
import { createDatabase, startThrowawayPostgres, type ThrowawayPostgres } from '../test/setup/postgres-server.js';
import { machineCheckLine } from './support/machine-check.js';

/**
 * `mapping gaps` bench: N generated people (default 100,000) in a real PostgreSQL, a share of
 * them given spellings the shipped mapping does not know; the time of one full gaps report
 * (every code-list column grouped once, examples for the unknown values, suggestions), which
 * must stay under 15 s for 100,000 people. Uses TEST_DATABASE_URL's server when set (a
 * database of its own, dropped at the end), else a throw-away server.
 *
 * Usage: npx tsx bench/mapping-gaps.bench.ts [people] [runs]
 */
const people = Number(process.argv[2] ?? 100_000);
const runs = Number(process.argv[3] ?? 3);

/** Spellings no synonym knows, on a share of people, so the report has work to do. */
const UNKNOWN_SPELLINGS = [
  `UPDATE qlcb.can_bo SET ly_luan_chinh_tri = 'Trung cấp LLCT (hệ tại chức)' WHERE id % 37 = 1`,
  `UPDATE qlcb.can_bo SET quan_ly_nha_nuoc = 'Bồi dưỡng QLNN ngạch CV' WHERE id % 53 = 2`,
  `UPDATE qlcb.danh_gia SET xep_loai = 'Hoàn thành tốt nhiệm vụ (được khen)' WHERE id % 41 = 3`,
  `UPDATE qlcb.can_bo SET ton_giao = 'Đạo Phật (Bắc tông)' WHERE id % 97 = 4`,
];

async function main(): Promise<void> {
  console.log(machineCheckLine('start'));
  const admin = process.env.TEST_DATABASE_URL;
  let server: ThrowawayPostgres | undefined;
  const name = `mapping_gaps_bench_${process.pid}`;
  const adminUrl = admin ?? (server = await startThrowawayPostgres()).url;
  const db = createDb(await createDatabase(adminUrl, name), { max: 4 });
  try {
    await installProvincialSchema(db, { sample: false });
    const generated = performance.now();
    await generatePeople(db, { people, seed: 1 });
    for (const sql of UNKNOWN_SPELLINGS) await db.query(sql);
    await db.query('ANALYZE');
    console.log(`generated ${people} people in ${((performance.now() - generated) / 1000).toFixed(1)} s`);

    const mapping = loadMapping('mappings/qlcb');
    const abbreviations = readAbbreviations();
    let gaps: Gap[] = [];
    for (let run = 1; run <= runs; run += 1) {
      const started = performance.now();
      gaps = await findGaps(db, mapping, abbreviations);
      console.log(`mapping gaps over ${people} people: ${((performance.now() - started) / 1000).toFixed(2)} s (run ${run})`);
    }
    for (const g of gaps) console.log(`  ${g.list} '${g.value}': ${g.people} people -> ${g.suggestions[0]?.code ?? '-'}`);
  } finally {
    await db.close();
    if (admin) {
      const drop = createDb(admin, { max: 1 });
      await drop.query(`DROP DATABASE IF EXISTS ${name}`).finally(() => drop.close());
    }
    server?.stop();
  }
  console.log(machineCheckLine('end'));
}

await main();
