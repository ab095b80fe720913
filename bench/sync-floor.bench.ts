import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createDb } from '../src/db/db.js';
import { projectRoot } from '../src/paths.js';
import { BENCH_PASSPHRASE, BENCH_SENDER, startBenchWorld, type BenchWorld } from './support/bench-world.js';
import { provinceKeyPem, runFloor as runFloorChild, startSink, type Sink } from './support/floor-children.js';
import { gatewayEnv, runGatewayChild, type ChildRun } from './support/gateway-child.js';
import { machineCheckLine } from './support/machine-check.js';

/**
 * The gateway against the floor (../shared/bench/floor.mjs: the cheapest honest pipeline for
 * the same work), in one process tree and one run, over N generated people (default 100,000)
 * in a real PostgreSQL, all posting to the same sink (../shared/bench/sink.mjs, a national
 * side that accepts everything). Each run: the floor, then the built gateway's first full sync
 * on a fresh store, then a sync with nothing changed. Printed per run: the three times, the
 * ratio first sync / floor, the gateway's peak RSS, and whether every due record was accepted
 * exactly once (the sink's record count, the store's accepted versions, the due count).
 * Targets: ratio <= 2.0, no-change < 1 s, peak RSS < 384 MiB.
 *
 * Usage: npx tsx bench/sync-floor.bench.ts [--people N] [--runs R] [--shared ../shared/bench] [--cli dist/cli/index.js]
 */
const { values: opts } = parseArgs({
  options: {
    people: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '1' },
    shared: { type: 'string', default: '../shared/bench' },
    cli: { type: 'string', default: 'dist/cli/index.js' },
    threads: { type: 'string' },
  },
});
const people = Number(opts.people);
const runs = Number(opts.runs);
const shared = resolve(projectRoot, opts.shared);
const cli = resolve(projectRoot, opts.cli);
const TARGET = { ratio: 2.0, noChangeMs: 1_000, rssMiB: 384 };

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mibOf = (run: ChildRun) => (run.usage ? run.usage.maxRssKb / 1024 : NaN);

function summaryOf(run: ChildRun): { due: number; queued: number; invalid: number; accepted: number } {
  if (run.exitCode !== 0) throw new Error(`gateway sync exited ${run.exitCode}: ${run.stderr.trim().split('\n').slice(-10).join('\n')}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as { due: number; queued: number; invalid: number; accepted: number };
}

/** Versions accepted in the store, and how many people they cover: equal when each was accepted once. */
async function storeAccepted(url: string): Promise<{ versions: number; persons: number }> {
  const db = createDb(url, { max: 1 });
  try {
    const res = await db.query<{ versions: number; persons: number }>(
      `SELECT count(*)::int AS versions, count(DISTINCT vendor_id)::int AS persons FROM csdl_gateway.record_versions WHERE status = 'accepted'`,
    );
    return res.rows[0]!;
  } finally {
    await db.close();
  }
}

interface RunFigures {
  floorMs: number; firstMs: number; noChangeMs: number; peakMiB: number;
  due: number; queued: number; invalid: number; accepted: number; sinkRecords: number; storeVersions: number; storePersons: number; noChangeDue: number; noChangeSinkRecords: number;
}

const runFloor = (world: BenchWorld, key: string, sink: Sink) => runFloorChild(shared, world.sourceUrl, key, sink);

async function oneRun(world: BenchWorld, key: string, sink: Sink, n: number): Promise<RunFigures> {
  const floor = await runFloor(world, key, sink);
  console.log(`run ${n}: floor ${sec(floor.wallMs)} wall (${floor.report.people} people, ${floor.report.ms} ms inside), peak RSS ${mibOf(floor).toFixed(0)} MiB`);
  const env = gatewayEnv({
    storeUrl: await world.newDatabase(`store_floor_${n}`), sourceUrl: world.sourceUrl, ndxpUrl: sink.url,
    clientId: 'province', clientSecret: 'secret',
    signingKeyFile: world.pki.province.p12, signingKeyPassphrase: BENCH_PASSPHRASE, trustAnchorsFile: world.pki.trustAnchors,
    senderCode: BENCH_SENDER, dataDir: join(world.tempDir, `data-${n}`),
  }, opts.threads === undefined ? {} : { MAPPING_THREADS: opts.threads });
  const before = await sink.stats();
  const first = await runGatewayChild([cli, 'sync', '--json'], env);
  const s1 = summaryOf(first);
  const middle = await sink.stats();
  console.log(`run ${n}: first sync ${sec(first.wallMs)}, peak RSS ${mibOf(first).toFixed(0)} MiB: ${first.stdout.trim()}`);
  const second = await runGatewayChild([cli, 'sync', '--json'], env);
  const s2 = summaryOf(second);
  const after = await sink.stats();
  console.log(`run ${n}: no-change sync ${sec(second.wallMs)}, peak RSS ${mibOf(second).toFixed(0)} MiB: ${second.stdout.trim()}`);
  const stored = await storeAccepted(String(env.DATABASE_URL));
  return {
    floorMs: floor.wallMs, firstMs: first.wallMs, noChangeMs: second.wallMs, peakMiB: Math.max(mibOf(first), mibOf(second)),
    due: s1.due, queued: s1.queued, invalid: s1.invalid, accepted: s1.accepted, sinkRecords: middle.records - before.records, storeVersions: stored.versions, storePersons: stored.persons,
    noChangeDue: s2.due, noChangeSinkRecords: after.records - middle.records,
  };
}

function verdict(ok: boolean): string {
  return ok ? 'meets' : 'MISSES';
}

async function main(): Promise<void> {
  if (!statSync(cli, { throwIfNoEntry: false })) throw new Error(`${cli} is missing: run 'npm run build' first`);
  console.log(`sync-floor bench: ${people} people, ${runs} run(s); floor and sink from ${shared}; gateway = node ${opts.cli} sync`);
  console.log(machineCheckLine('start'));
  const world = await startBenchWorld(people, (line) => console.log(`  ${line}`));
  const sink = await startSink(shared);
  const all: RunFigures[] = [];
  try {
    console.log(`provincial database: ${world.generation.people} people (${world.generation.approved} approved) generated in ${sec(world.generationMs)}`);
    const key = provinceKeyPem(world);
    for (let n = 1; n <= runs; n += 1) all.push(await oneRun(world, key, sink, n));
  } finally {
    sink.stop();
    await world.close();
  }
  console.log(machineCheckLine('end'));
  console.log('\nrun | floor s | first sync s | ratio | no-change s | peak RSS MiB | due = approved | queued + invalid | accepted | sink records | accepted versions (persons) | no-change due/sent');
  for (const [i, f] of all.entries()) {
    const ratio = f.firstMs / f.floorMs;
    // Every approved person is due once; each valid one (queued) reaches the sink once and is
    // accepted once; those the gateway's pre-validation refused (invalid) are never sent.
    const once = f.due === world.generation.approved && f.queued + f.invalid === f.due && f.accepted === f.queued &&
      f.sinkRecords === f.queued && f.storeVersions === f.queued && f.storePersons === f.queued && f.noChangeSinkRecords === 0;
    console.log(`${i + 1} | ${sec(f.floorMs)} | ${sec(f.firstMs)} | ${ratio.toFixed(2)}x ${verdict(ratio <= TARGET.ratio)} | ${sec(f.noChangeMs)} ${verdict(f.noChangeMs < TARGET.noChangeMs)} | ` +
      `${f.peakMiB.toFixed(0)} ${verdict(f.peakMiB < TARGET.rssMiB)} | ${f.due} = ${world.generation.approved} | ${f.queued} + ${f.invalid} | ${f.accepted} | ${f.sinkRecords} | ${f.storeVersions} (${f.storePersons}) | ${f.noChangeDue}/${f.noChangeSinkRecords} -> exactly once: ${once ? 'yes' : 'NO'}`);
  }
}

await main();
