import { readFileSync } from 'node:fs';
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
 * PostgreSQL; people per second for the read alone, for the mapping with pre-validation, for
 * the JSON encoding, and for the whole (read + map + validate + JSON encode), and the resident
 * memory as the run goes, to show it stays flat in N.
 *
 * Wall time on a shared machine moves with other people's jobs, so the read and the whole also
 * print the CPU they used per person: this process's (`client`, the garbage collector's helper
 * threads included), and the PostgreSQL backends' (`server`, from /proc on Linux). Reading,
 * mapping and encoding share the one JavaScript thread; the server works on the next chunk
 * meanwhile, on the other core.
 *
 * Usage: npx tsx bench/mapping.bench.ts [people] [chunk]   (e.g. 30000 to iterate faster)
 */
const people = Number(process.argv[2] ?? 100_000);
const chunk = Number(process.argv[3] ?? 2_000);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const rate = (n: number, ms: number) => `${Math.round((n * 1000) / ms).toLocaleString('en')} people/s`;
const perPerson = (us: number, n: number) => `${(us / n).toFixed(1)} µs/person`;

/** CPU microseconds used so far by each server process serving `db`'s database (Linux). */
async function serverCpu(db: Db): Promise<Map<number, number> | undefined> {
  const { rows } = await db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database()');
  const used = new Map<number, number>();
  try {
    for (const { pid } of rows) {
      // Fields 14 and 15 of /proc/PID/stat (utime, stime), counted after the ') ' of the name.
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      used.set(pid, (Number(fields[11]) + Number(fields[12])) * 10_000); // USER_HZ is 100 on Linux
    }
  } catch {
    return undefined;
  }
  return used;
}

/** What the backends alive at the end used since `before` (a pool may have closed idle ones). */
function serverDelta(before: Map<number, number> | undefined, after: Map<number, number> | undefined): number | undefined {
  if (!before || !after) return undefined;
  let total = 0;
  for (const [pid, us] of after) total += us - (before.get(pid) ?? 0);
  return total;
}

interface Stage {
  wallMs: number;
  clientUs: number;
  serverUs: number | undefined;
}

async function measure(db: Db, fn: () => Promise<void>): Promise<Stage> {
  const server0 = await serverCpu(db);
  const client0 = process.cpuUsage();
  const started = performance.now();
  await fn();
  const wallMs = performance.now() - started;
  const client = process.cpuUsage(client0);
  const server1 = await serverCpu(db);
  return {
    wallMs,
    clientUs: client.user + client.system,
    serverUs: serverDelta(server0, server1),
  };
}

function line(label: string, n: number, stage: Stage, extra = ''): string {
  const server = stage.serverUs === undefined ? '' : `, server ${perPerson(stage.serverUs, n)}`;
  return `${label.padEnd(9)} ${n} people in ${(stage.wallMs / 1000).toFixed(2)} s: ${rate(n, stage.wallMs)}` +
    ` (cpu: client ${perPerson(stage.clientUs, n)}${server})${extra}`;
}

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
    const bench = db;
    await installProvincialSchema(bench, { sample: false });
    const started = performance.now();
    const summary = await generatePeople(bench, { people, seed: 1 });
    await bench.query('ANALYZE');
    console.log(`generated ${summary.people} people (${summary.approved} approved) in ${((performance.now() - started) / 1000).toFixed(1)} s; chunks of ${chunk}`);
    const mapping = loadMapping('mappings/qlcb');

    // 1. The read alone.
    let read = 0;
    const reading = await measure(bench, async () => {
      for await (const { persons } of readPersons(bench, mapping, { all: true }, chunk)) read += persons.length;
    });

    // 2. The whole, timing the mapping (+ pre-validation) and the encoding within it. Each
    // person is encoded as soon as it is mapped, as a streaming consumer would: holding a
    // chunk's records until the chunk is done only gives the garbage collector more to copy.
    global.gc?.();
    const rssAt: number[] = [];
    let mapMs = 0;
    let encodeMs = 0;
    let valid = 0;
    let bytes = 0;
    let done = 0;
    const whole = await measure(bench, async () => {
      for await (const { reference, persons } of readPersons(bench, mapping, { all: true }, chunk)) {
        for (const person of persons) {
          const t0 = performance.now();
          const result = mapPerson(mapping, person, reference);
          const t1 = performance.now();
          mapMs += t1 - t0;
          if (!result.ok) continue;
          valid += 1;
          bytes += encodePayload('record', 'json', result.record).length;
          encodeMs += performance.now() - t1;
        }
        done += persons.length;
        if (done % 10_000 < chunk) rssAt.push(process.memoryUsage.rss());
      }
    });
    console.log(line('read', read, reading));
    console.log(`map+valid ${done} people in ${(mapMs / 1000).toFixed(2)} s: ${rate(done, mapMs)} (${valid} valid)`);
    console.log(`encode    ${valid} records in ${(encodeMs / 1000).toFixed(2)} s: ${rate(valid, encodeMs)} (${mb(bytes)} of JSON)`);
    console.log(line('whole', done, whole));
    console.log(`rss every 10,000 people: ${rssAt.map(mb).join(', ')}`);
    console.log(`peak rss (whole process, generation included): ${mb(process.resourceUsage().maxRSS * 1024)}`);
  } finally {
    await db?.close();
    server.stop();
  }
}

await main();
