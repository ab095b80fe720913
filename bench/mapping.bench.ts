import pg from 'pg';
import { createDb, type Db } from '../src/db/db.js';
import { generatePeople } from '../src/demo/generate-people.js';
import { installProvincialSchema } from '../src/demo/provincial-schema.js';
import { encodePayload } from '../src/encoding/payload-codec.js';
import { loadMapping } from '../src/mapping/mapping-loader.js';
import { mapPerson } from '../src/mapping/person-mapper.js';
import { readPersons } from '../src/source/person-reader.js';
import { startThrowawayPostgres } from '../test/setup/postgres-server.js';

/**
 * Mapping bench (issue 3, quality bar): N generated people (default 100,000) in a throw-away
 * PostgreSQL; people per second for the read alone, for the mapping with pre-validation, and
 * for the whole (read + map + validate + JSON encode), and the resident memory as the run goes,
 * to show it stays flat in N. Usage: npx tsx bench/mapping.bench.ts [people] [chunk]
 */
const people = Number(process.argv[2] ?? 100_000);
const chunk = Number(process.argv[3] ?? 2_000);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function main(): Promise<void> {
  const server = await startThrowawayPostgres();
  let db: Db | undefined;
  try {
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query('CREATE DATABASE bench');
    await admin.end();
    const url = new URL(server.url);
    url.pathname = '/bench';
    db = createDb(url.toString(), { max: 4 });
    await installProvincialSchema(db, { sample: false });
    let started = performance.now();
    const summary = await generatePeople(db, { people, seed: 1 });
    await db.query('ANALYZE');
    console.log(`generated ${summary.people} people (${summary.approved} approved) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const mapping = loadMapping('mappings/qlcb');

    // 1. The read alone.
    started = performance.now();
    let read = 0;
    for await (const { persons } of readPersons(db, mapping, { all: true }, chunk)) read += persons.length;
    const readSeconds = (performance.now() - started) / 1000;

    // 2. The whole, timing the mapping (+ pre-validation) part within it.
    global.gc?.();
    const rssAt: number[] = [];
    let mapMs = 0;
    let valid = 0;
    let bytes = 0;
    let done = 0;
    started = performance.now();
    for await (const { reference, persons } of readPersons(db, mapping, { all: true }, chunk)) {
      const t0 = performance.now();
      const results = persons.map((p) => mapPerson(mapping, p, reference));
      mapMs += performance.now() - t0;
      for (const r of results) {
        if (!r.ok) continue;
        valid += 1;
        bytes += encodePayload('record', 'json', r.record).length;
      }
      done += persons.length;
      if (done % 10_000 < chunk) rssAt.push(process.memoryUsage.rss());
    }
    const wholeSeconds = (performance.now() - started) / 1000;
    const rate = (n: number, s: number) => `${Math.round(n / s).toLocaleString('en')} people/s`;
    console.log(`read      ${read} people in ${readSeconds.toFixed(2)} s: ${rate(read, readSeconds)}`);
    console.log(`map+valid ${done} people in ${(mapMs / 1000).toFixed(2)} s: ${rate(done, mapMs / 1000)} (${valid} valid)`);
    console.log(`whole     ${done} people in ${wholeSeconds.toFixed(2)} s: ${rate(done, wholeSeconds)} (${mb(bytes)} of JSON)`);
    console.log(`rss every 10,000 people: ${rssAt.map(mb).join(', ')}`);
    console.log(`peak rss (whole process, generation included): ${mb(process.resourceUsage().maxRSS * 1024)}`);
  } finally {
    await db?.close();
    server.stop();
  }
}

await main();
