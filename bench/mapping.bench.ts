import { availableParallelism } from 'node:os';
import { loadConfig } from '../src/config/config.js';
import { createDb, type Db } from '../src/db/db.js';
import { generatePeople } from '../src/demo/generate-people.js';
import { installProvincialSchema } from '../src/demo/provincial-schema.js';
import { mapAhead } from '../src/mapping/map-ahead.js';
import { loadMapping } from '../src/mapping/mapping-loader.js';
import { createPersonMapper } from '../src/mapping/mapping-pool.js';
import { readRawPersons } from '../src/source/person-reader.js';
import { startThrowawayPostgres } from '../test/setup/postgres-server.js';
import { machineCheckLine } from './support/machine-check.js';
import { postgresCpuMs } from './support/postgres-cpu.js';

/**
 * Mapping bench: N generated people (default 100,000) in a throw-away
 * PostgreSQL; people per second for the read alone (each person one JSON text) and for the
 * whole (read + parse + map + pre-validate + JSON encode), with the mapping on the main thread
 * (0 threads) and on worker threads (src/mapping/mapping-pool.ts), and the resident memory as
 * the run goes, to show it stays flat in N.
 *
 * Wall time on a shared machine moves with other people's jobs, so the run starts and ends with
 * a machine check (support/machine-check.ts) and each stage also prints the
 * CPU it used per person: this process's (`client`, worker threads and the garbage
 * collector's helper threads included), and the PostgreSQL server's (`server`: every process
 * of the throw-away server, backends that closed included, from /proc on Linux).
 *
 * Usage: npx tsx bench/mapping.bench.ts [people] [chunk] [setups]   (e.g. 30000 2000 0,2,1s)
 */
const people = Number(process.argv[2] ?? 100_000);
const chunk = Number(process.argv[3] ?? 2_000);
/**
 * Mapping set-ups to try, e.g. "0,1s,2": a number of threads (0 maps on the main thread); with
 * `s`, the main thread maps a chunk too when the threads are full (callerShares, as the map
 * command runs). Default: 0, one thread per core, and the map command's default (MAPPING_THREADS
 * unset, s).
 */
const setups = (process.argv[4] ?? `0,${availableParallelism()},${loadConfig({}).mappingThreads}s`)
  .split(',').map((spec) => ({ spec, threads: Number.parseInt(spec, 10), callerShares: spec.endsWith('s') }));
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const rate = (n: number, ms: number) => `${Math.round((n * 1000) / ms).toLocaleString('en')} people/s`;
const perPerson = (us: number, n: number) => `${(us / n).toFixed(1)} µs/person`;

interface Stage {
  wallMs: number;
  clientUs: number;
  serverUs: number | undefined;
}

async function measure(dataDir: string, fn: () => Promise<void>): Promise<Stage> {
  const server0 = postgresCpuMs(dataDir);
  const client0 = process.cpuUsage();
  const started = performance.now();
  await fn();
  const wallMs = performance.now() - started;
  const client = process.cpuUsage(client0);
  const server1 = postgresCpuMs(dataDir);
  return {
    wallMs,
    clientUs: client.user + client.system,
    serverUs: server0 === undefined || server1 === undefined ? undefined : (server1 - server0) * 1000,
  };
}

function line(label: string, n: number, stage: Stage, extra = ''): string {
  const server = stage.serverUs === undefined ? '' : `, server ${perPerson(stage.serverUs, n)}`;
  return `${label.padEnd(9)} ${n} people in ${(stage.wallMs / 1000).toFixed(2)} s: ${rate(n, stage.wallMs)}` +
    ` (cpu: client ${perPerson(stage.clientUs, n)}${server})${extra}`;
}

async function main(): Promise<void> {
  console.log(machineCheckLine('start'));
  const server = await startThrowawayPostgres();
  let db: Db | undefined;
  try {
    db = createDb(server.url, { max: 4 });
    const bench = db;
    await installProvincialSchema(bench, { sample: false });
    const started = performance.now();
    const summary = await generatePeople(bench, { people, seed: 1 });
    await bench.query('ANALYZE');
    console.log(`generated ${summary.people} people (${summary.approved} approved) in ${((performance.now() - started) / 1000).toFixed(1)} s; chunks of ${chunk}`);
    const mapping = loadMapping('mappings/qlcb');

    // 1. The read alone: each person's row as JSON text, as the mapping threads receive it.
    let read = 0;
    const reading = await measure(server.dataDir, async () => {
      for await (const { raws } of readRawPersons(bench, mapping, { all: true }, chunk)) read += raws.length;
    });
    console.log(line('read', read, reading));

    // 2. The whole: read, then parse + map + pre-validate + JSON-encode on the mapping threads,
    // results taken in order, as the sync and the map command take them.
    for (const { spec, threads, callerShares } of setups) {
      global.gc?.();
      const rssAt: number[] = [];
      let valid = 0;
      let bytes = 0;
      let done = 0;
      // Threads start once per run (a sync starts them at its first due chunk): not the mapping.
      const starting = performance.now();
      const mapper = createPersonMapper(mapping, { threads, callerShares });
      await mapper.map([], { tables: new Map() });
      const startMs = performance.now() - starting;
      const whole = await measure(server.dataDir, async () => {
        const reads = readRawPersons(bench, mapping, { all: true }, chunk);
        for await (const mapped of mapAhead(reads, ({ reference, raws }) => mapper.map(raws, reference), mapper.inFlight)) {
          for (const person of mapped) {
            if (!person.ok) continue;
            valid += 1;
            bytes += Buffer.byteLength(person.recordJson);
          }
          done += mapped.length;
          if (done % 10_000 < chunk) rssAt.push(process.memoryUsage.rss());
        }
      });
      await mapper.close();
      console.log(line(`whole/${spec}`, done, whole, `; ${valid} valid, ${mb(bytes)} of JSON; threads started in ${startMs.toFixed(0)} ms`));
      console.log(`  rss every 10,000 people: ${rssAt.map(mb).join(', ')}`);
    }
    console.log(`peak rss (whole process, generation included): ${mb(process.resourceUsage().maxRSS * 1024)}`);
    console.log(machineCheckLine('end'));
  } finally {
    await db?.close();
    server.stop();
  }
}

await main();
