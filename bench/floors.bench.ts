import { loadavg } from 'node:os';
import { statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../src/paths.js';
import { BENCH_PASSPHRASE, BENCH_SENDER, generateProvince, startBenchWorld, type BenchWorld } from './support/bench-world.js';
import { provinceKeyPem, runFloor, runNoChangeFloor, startSink, type Sink } from './support/floor-children.js';
import { gatewayEnv, runGatewayChild, storeAccepted, summaryOf, type ChildRun, type SyncSummary } from './support/gateway-child.js';
import { machineCheckLine } from './support/machine-check.js';
import { postgresCpuMs } from './support/postgres-cpu.js';
import { processCpuMs, sampleWaits } from './support/server-probes.js';
import { settleServer } from './support/settle-server.js';
import { runShareLoad, type LoadResult } from './support/share-load.js';
import { startGatewayServer, startShareFloor, type ShareServer } from './support/share-servers.js';

/**
 * The gateway held against the floors of ../shared/bench in ONE run, on one PostgreSQL server
 * and against one sink, each figure a ratio to its floor measured minutes apart (the machine's
 * speed moves from hour to hour; a ratio within a run does not):
 *
 * - first sync: `node dist/cli/index.js sync` on a fresh store against floor.mjs (same people,
 *   same sink), every valid record accepted exactly once;
 * - no-change sync: the same command again, process start to exit, against nochange-floor.mjs;
 * - sharing: `csdl-gateway start` serving the records its sync had accepted (GET
 *   /share/v1/officials/{id}, audited) against share-floor.mjs, the same autocannon settings
 *   from a third process, requests/s and p99; the server is vacuumed first, so autovacuum of
 *   the sync runs' stores does not fall on one side's loads (settle-server.ts);
 * - peak RSS of the first sync at the bench's size and at each `--rss-people` size.
 *
 * Targets (issue of the floors): first sync <= 1.5x, no-change <= 1.5x, sharing >= 0.6x the
 * floor's requests/s with p99 <= 1.5x the floor's, peak RSS < 320 MiB and flat in N.
 *
 * Usage: npm run bench:floors -- [--people N] [--runs R] [--rss-people N,...] [--connections C]
 *        [--seconds S] [--only first,nochange,share,rss] [--durable] [--waits]
 * (--durable: PostgreSQL with fsync and synchronous commit on, as in production; --waits: sample
 * what the database's backends wait on during each sharing load.) Needs `npm run build`.
 */
const { values: opts } = parseArgs({
  options: {
    people: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    'rss-people': { type: 'string', default: '10000' },
    connections: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '10' },
    only: { type: 'string', default: 'first,nochange,share,rss' },
    shared: { type: 'string', default: '../shared/bench' },
    cli: { type: 'string', default: 'dist/cli/index.js' },
    durable: { type: 'boolean', default: false },
    waits: { type: 'boolean', default: false },
  },
});
const people = Number(opts.people);
const runs = Number(opts.runs);
const only = new Set(opts.only.split(','));
const shared = resolve(projectRoot, opts.shared);
const cli = resolve(projectRoot, opts.cli);
const load = { connections: Number(opts.connections), seconds: Number(opts.seconds) };
const TARGET = { first: 1.5, noChange: 1.5, shareRps: 0.6, shareP99: 1.5, rssMiB: 320 };

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mibOf = (run: ChildRun) => (run.usage ? run.usage.maxRssKb / 1024 : NaN);
const load1 = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const log = (line: string) => console.log(line);

interface Row { what: string; run: string; floor: string; gateway: string; ratio: string; target: string }
const rows: Row[] = [];
const ratioRow = (what: string, run: number, floor: number, gateway: number, unit: (v: number) => string, target: number, higherIsBetter = false): void => {
  const ratio = gateway / floor;
  const ok = higherIsBetter ? ratio >= target : ratio <= target;
  rows.push({ what, run: String(run), floor: unit(floor), gateway: unit(gateway), ratio: `${ratio.toFixed(2)}x`, target: `${higherIsBetter ? '>=' : '<='} ${target}x ${ok ? 'meets' : 'MISSES'}` });
};

function envFor(world: BenchWorld, sink: Sink, storeUrl: string, sourceUrl: string, dataDir: string): NodeJS.ProcessEnv {
  return gatewayEnv({
    storeUrl, sourceUrl, ndxpUrl: sink.url, clientId: 'province', clientSecret: 'secret',
    signingKeyFile: world.pki.province.p12, signingKeyPassphrase: BENCH_PASSPHRASE, trustAnchorsFile: world.pki.trustAnchors,
    senderCode: BENCH_SENDER, dataDir: join(world.tempDir, dataDir),
  });
}

/** A first sync on a fresh store, checked: every approved person due once, every valid one accepted once. */
async function firstSync(world: BenchWorld, sink: Sink, sourceUrl: string, approved: number, name: string): Promise<{ run: ChildRun; env: NodeJS.ProcessEnv; summary: SyncSummary; once: boolean }> {
  const env = envFor(world, sink, await world.newDatabase(name), sourceUrl, `data-${name}`);
  const before = await sink.stats();
  const run = await runGatewayChild([cli, 'sync', '--json'], env);
  const summary = summaryOf(run);
  const after = await sink.stats();
  const stored = await storeAccepted(String(env.DATABASE_URL));
  const once = summary.due === approved && summary.queued + summary.invalid === summary.due && summary.accepted === summary.queued &&
    after.records - before.records === summary.queued && stored.versions === summary.queued && stored.persons === summary.queued;
  return { run, env, summary, once };
}

async function syncs(world: BenchWorld, sink: Sink, key: string): Promise<{ env: NodeJS.ProcessEnv; accepted: number; peaks: number[] } | undefined> {
  if (!only.has('first') && !only.has('nochange') && !only.has('share') && !only.has('rss')) return undefined;
  let last: { env: NodeJS.ProcessEnv; accepted: number } | undefined;
  const peaks: number[] = [];
  const wantRuns = only.has('first') || only.has('nochange') ? runs : 1;
  for (let n = 1; n <= wantRuns; n += 1) {
    let floorMs: number | undefined;
    if (only.has('first')) {
      const floor = await runFloor(shared, world.sourceUrl, key, sink);
      floorMs = floor.wallMs;
      log(`run ${n}: floor ${sec(floor.wallMs)} (${floor.report.people} people), peak RSS ${mibOf(floor).toFixed(0)} MiB; load ${load1()}`);
    }
    const first = await firstSync(world, sink, world.sourceUrl, world.generation.approved, `store_${n}`);
    peaks.push(mibOf(first.run));
    log(`run ${n}: first sync ${sec(first.run.wallMs)}, peak RSS ${mibOf(first.run).toFixed(0)} MiB, exactly once: ${first.once ? 'yes' : 'NO'}: ${first.run.stdout.trim()}; load ${load1()}`);
    if (floorMs !== undefined) ratioRow(`first sync, ${people} people${first.once ? '' : ' (NOT exactly once)'}`, n, floorMs, first.run.wallMs, sec, TARGET.first);
    if (only.has('nochange')) {
      const storeUrl = String(first.env.DATABASE_URL);
      await runNoChangeFloor(shared, world.sourceUrl, storeUrl); // seeds its table
      const floor = await runNoChangeFloor(shared, world.sourceUrl, storeUrl);
      const again = await runGatewayChild([cli, 'sync', '--json'], first.env);
      const s = summaryOf(again);
      log(`run ${n}: no-change floor ${sec(floor.wallMs)} (${floor.report?.people} heads, ${floor.report?.ms} ms inside), ` +
        `no-change sync ${sec(again.wallMs)} (peak RSS ${mibOf(again).toFixed(0)} MiB, due ${s.due}, queued ${s.queued}); load ${load1()}`);
      ratioRow(`no-change sync${s.queued === 0 ? '' : ' (SENT SOMETHING)'}`, n, floor.wallMs, again.wallMs, sec, TARGET.noChange);
    }
    last = { env: first.env, accepted: first.summary.accepted };
  }
  return last ? { ...last, peaks } : undefined;
}

interface LoadFigures { result: LoadResult; serverCpuUs: number | undefined; pgCpuUs: number | undefined; waits?: string }

async function loadOnce(server: ShareServer, world: BenchWorld, storeUrl: string, file: string): Promise<LoadFigures> {
  const settings = { ...load, headers: server.headers };
  const cpu0 = processCpuMs(server.pid);
  const pg0 = postgresCpuMs(world.server.dataDir);
  const sampler = opts.waits ? await sampleWaits(storeUrl) : undefined;
  const result = await runShareLoad(server.base, server.paths, file, settings);
  const waits = await sampler?.stop();
  const cpu1 = processCpuMs(server.pid);
  const pg1 = postgresCpuMs(world.server.dataDir);
  const per = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : ((b - a) * 1000) / result.total);
  return {
    result, serverCpuUs: per(cpu0, cpu1), pgCpuUs: per(pg0, pg1),
    ...(waits ? {
      waits: `${(waits.active / Math.max(1, waits.samples)).toFixed(1)} active backends; ${waits.waits.slice(0, 5).map(([w, f]) => `${w} ${(100 * f).toFixed(0)}%`).join(', ')}` +
        `\n    statements: ${waits.statements.slice(0, 6).map(([q, f]) => `${(100 * f).toFixed(0)}% ${q}`).join('\n                ')}`,
    } : {}),
  };
}

function describe(what: string, f: LoadFigures): string {
  const r = f.result;
  const us = (v: number | undefined) => (v === undefined ? '?' : `${v.toFixed(0)} µs`);
  return `${what}: ${r.rps.toFixed(0)} requests/s, p50 ${r.p50} ms, p99 ${r.p99} ms, ${r.total} requests (non-2xx ${r.non2xx}${Object.keys(r.otherStatuses).length > 0 ? ` ${JSON.stringify(r.otherStatuses)}` : ''}, errors ${r.errors}, timeouts ${r.timeouts}); ` +
    `CPU per request: server ${us(f.serverCpuUs)}, PostgreSQL ${us(f.pgCpuUs)}${f.waits ? `; waits: ${f.waits}` : ''}; load ${load1()}`;
}

async function sharing(world: BenchWorld, env: NodeJS.ProcessEnv, accepted: number): Promise<void> {
  const storeUrl = String(env.DATABASE_URL);
  const gateway = await startGatewayServer(cli, env, accepted);
  let floor: ShareServer | undefined;
  try {
    floor = await startShareFloor(shared, storeUrl, gateway.paths.length);
    log(`sharing: gateway serves ${gateway.paths.length} people; the floor ${floor.paths.length}; autocannon -c ${load.connections} -d ${load.seconds} from a third process`);
    const file = join(world.tempDir, 'share-paths.json');
    // The earlier phases' writes vacuumed now, not by autovacuum during the loads (settle-server.ts).
    log(`sharing: server vacuumed and analysed in ${sec(await settleServer(world.server.url))}`);
    // A short warm-up of each (JIT, connection pools), not counted.
    for (const server of [floor, gateway]) await runShareLoad(server.base, server.paths, file, { connections: load.connections, seconds: 2, headers: server.headers });
    for (let n = 1; n <= runs; n += 1) {
      // Alternate which goes first, so a drift of the machine's speed does not favour one.
      const order: ['floor' | 'gateway', ShareServer][] = n % 2 === 1 ? [['floor', floor], ['gateway', gateway]] : [['gateway', gateway], ['floor', floor]];
      const got: Record<string, LoadFigures> = {};
      for (const [name, server] of order) {
        got[name] = await loadOnce(server, world, storeUrl, file);
        log(`run ${n}: ${describe(name, got[name])}`);
      }
      const [f, g] = [got.floor!.result, got.gateway!.result];
      const bad = g.non2xx + g.errors + g.timeouts > 0 ? ' (GATEWAY FAILURES)' : '';
      ratioRow(`sharing requests/s, c=${load.connections}${bad}`, n, f.rps, g.rps, (v) => v.toFixed(0), TARGET.shareRps, true);
      ratioRow(`sharing p99 ms, c=${load.connections}`, n, f.p99, g.p99, (v) => `${v}`, TARGET.shareP99);
    }
  } finally {
    await floor?.stop();
    await gateway.stop();
  }
}

async function rssAt(world: BenchWorld, sink: Sink, size: number): Promise<number> {
  const province = await generateProvince(world.newDatabase, `provincial_${size}`, size, (line) => log(`  ${line}`));
  const first = await firstSync(world, sink, province.url, province.generation.approved, `store_rss_${size}`);
  log(`rss: first sync of ${size} people ${sec(first.run.wallMs)}, peak RSS ${mibOf(first.run).toFixed(0)} MiB, exactly once: ${first.once ? 'yes' : 'NO'}; load ${load1()}`);
  return mibOf(first.run);
}

async function main(): Promise<void> {
  if (!statSync(cli, { throwIfNoEntry: false })) throw new Error(`${cli} is missing: run 'npm run build' first`);
  log(`floors bench: ${people} people, ${runs} run(s), ${opts.only}; PostgreSQL ${opts.durable ? 'durable (fsync on)' : 'fsync off'}; floors and sink from ${shared}`);
  log(`${machineCheckLine('start')}; load average ${load1()}`);
  const world = await startBenchWorld(people, (line) => log(`  ${line}`), { durable: opts.durable });
  const sink = await startSink(shared);
  const rss: [number, number][] = [];
  try {
    log(`provincial database: ${world.generation.people} people (${world.generation.approved} approved) generated in ${sec(world.generationMs)}`);
    const key = provinceKeyPem(world);
    const synced = await syncs(world, sink, key);
    if (synced && synced.peaks.length > 0) rss.push([people, Math.max(...synced.peaks)]);
    if (only.has('share') && synced) await sharing(world, synced.env, synced.accepted);
    if (only.has('rss')) for (const size of opts['rss-people'].split(',').map(Number).filter((n) => n > 0 && n !== people)) rss.push([size, await rssAt(world, sink, size)]);
  } finally {
    sink.stop();
    await world.close();
  }
  log(`${machineCheckLine('end')}; load average ${load1()}`);
  const head: Row = { what: 'measure', run: 'run', floor: 'floor', gateway: 'gateway', ratio: 'ratio', target: 'target' };
  for (const [size, mib] of rss.sort((a, b) => a[0] - b[0])) {
    rows.push({ what: `peak RSS of a first sync, ${size} people`, run: '-', floor: '-', gateway: `${mib.toFixed(0)} MiB`, ratio: '-', target: `< ${TARGET.rssMiB} MiB ${mib < TARGET.rssMiB ? 'meets' : 'MISSES'}` });
  }
  if (rss.length > 1) {
    const [small, big] = [rss[0]!, rss[rss.length - 1]!];
    rows.push({ what: `peak RSS growth ${small[0]} -> ${big[0]} people`, run: '-', floor: '-', gateway: `+${(big[1] - small[1]).toFixed(0)} MiB`, ratio: `${(big[1] / small[1]).toFixed(2)}x`, target: 'flat' });
  }
  const cols: (keyof Row)[] = ['what', 'run', 'floor', 'gateway', 'ratio', 'target'];
  const width = Object.fromEntries(cols.map((c) => [c, Math.max(head[c].length, ...rows.map((r) => r[c].length))])) as Record<keyof Row, number>;
  log('');
  for (const r of [head, ...rows]) log(`| ${cols.map((c) => r[c].padEnd(width[c])).join(' | ')} |`);
}

await main();
