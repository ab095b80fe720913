import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createDb, type Db } from '../src/db/db.js';
import { DEMO_VENDORS, isDemoVendor, type DemoVendorName } from '../src/demo/demo-vendors.js';
import { projectRoot } from '../src/paths.js';
import { BENCH_PASSPHRASE, BENCH_SENDER, startBenchWorld, type BenchWorld } from './support/bench-world.js';
import { startSink, type Sink } from './support/floor-children.js';
import { gatewayEnv, runGatewayChild, storeAccepted, summaryOf, type ChildRun } from './support/gateway-child.js';
import { summariseProfile, topLines, type CpuProfile } from './support/cpu-profile.js';
import { machineCheckLine } from './support/machine-check.js';
import { postgresCpuMs } from './support/postgres-cpu.js';

/**
 * A merged province against one database, in ONE run, on one PostgreSQL server and against one
 * sink (../shared/bench/sink.mjs):
 *
 * - one source: a qlcb database of N people, no sources file (a one-database province);
 * - two sources: a qlcb database of people 0 .. N/2-1 and a database of people N/2 .. N-1 of the
 *   second vendor (`--second`, nhansu by default), named in a sources file. The two hold no
 *   person in common: what is measured is throughput, not conflicts (the run checks that none
 *   was found).
 *
 * For each, per run: a first sync (`node dist/cli/index.js sync --json` on a fresh store,
 * process start to exit), checked exactly once (every approved person due once, every valid
 * one accepted once by the sink and stored once as accepted); then the no-change sync, the same
 * command again. The table gives each time and the ratio two-source / one-source.
 *
 * Targets (merged province): first sync <= 1.15x, no-change sync <= 1.15x.
 *
 * Usage: npm run bench:merged -- [--people N] [--runs R] [--second nhansu|qlcb] [--durable] [--stages]
 * (--stages: the first syncs log at debug level, and their log lines are printed as a timeline,
 * ms from the process's start; --cpu-prof: each first sync is profiled, and where each of its
 * threads spent its time is printed.)
 * Needs `npm run build`.
 */
const { values: opts } = parseArgs({
  options: {
    people: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    second: { type: 'string', default: 'nhansu' },
    shared: { type: 'string', default: '../shared/bench' },
    cli: { type: 'string', default: 'dist/cli/index.js' },
    durable: { type: 'boolean', default: false },
    stages: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
  },
});
const people = Number(opts.people);
const runs = Number(opts.runs);
const shared = resolve(projectRoot, opts.shared);
const cli = resolve(projectRoot, opts.cli);
if (!isDemoVendor(opts.second)) throw new Error(`--second must be one of qlcb, nhansu; got ${opts.second}`);
const second: DemoVendorName = opts.second;
if (!Number.isInteger(people) || people < 2 || people % 2 !== 0) throw new Error(`--people must be an even whole number >= 2; got ${opts.people}`);
const TARGET = { first: 1.15, noChange: 1.15 };

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const load1 = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const log = (line: string) => console.log(line);

/** A province's databases as the gateway is told of them: one SOURCE_DATABASE_URL, or a sources file. */
interface Setup {
  label: string;
  approved: number;
  env(world: BenchWorld, sink: Sink, storeUrl: string, dataDir: string): NodeJS.ProcessEnv;
}

function baseEnv(world: BenchWorld, sink: Sink, storeUrl: string, sourceUrl: string, dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return gatewayEnv({
    storeUrl, sourceUrl, ndxpUrl: sink.url, clientId: 'province', clientSecret: 'secret',
    signingKeyFile: world.pki.province.p12, signingKeyPassphrase: BENCH_PASSPHRASE, trustAnchorsFile: world.pki.trustAnchors,
    senderCode: BENCH_SENDER, dataDir: join(world.tempDir, dataDir),
  }, extra);
}

/**
 * The people nhansu's mapping reads as approved: latest review 'A', not soft-deleted (the
 * generator's own count includes the soft-deleted, whom the mapping's filter keeps out).
 */
async function nhansuApproved(db: Db): Promise<number> {
  const res = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM nhansu.employee e
      WHERE NOT e.is_deleted AND (SELECT r.outcome FROM nhansu.record_review r WHERE r.emp_id = e.emp_id ORDER BY r.rec_id DESC LIMIT 1) = 'A'`);
  return res.rows[0]!.n;
}

/** A vendor's database of `count` people from index `first` (seed 1, as the bench world's). */
async function generateSource(world: BenchWorld, name: string, vendor: DemoVendorName, first: number, count: number): Promise<{ url: string; approved: number }> {
  const url = await world.newDatabase(name);
  const db = createDb(url, { max: 4 });
  try {
    const started = performance.now();
    await DEMO_VENDORS[vendor].install(db, false);
    const generation = await DEMO_VENDORS[vendor].generate(db, { people: count, seed: 1, first });
    await db.query('ANALYZE');
    const approved = vendor === 'nhansu' ? await nhansuApproved(db) : generation.approved;
    log(`  ${name}: ${vendor}, people ${first} .. ${first + count - 1} (${approved} approved and readable) generated in ${sec(performance.now() - started)}`);
    return { url, approved };
  } finally {
    await db.close();
  }
}

async function twoSources(world: BenchWorld): Promise<Setup> {
  const half = people / 2;
  const a = await generateSource(world, 'tinh_a', 'qlcb', 0, half);
  const b = await generateSource(world, 'tinh_b', second, half, half);
  const file = join(world.tempDir, 'sources.json');
  writeFileSync(file, JSON.stringify({
    sources: [
      { name: 'tinh-a', databaseUrl: a.url, mapping: DEMO_VENDORS.qlcb.mapping },
      { name: 'tinh-b', databaseUrl: b.url, mapping: DEMO_VENDORS[second].mapping },
    ],
  }));
  return {
    label: `two sources, qlcb ${half} + ${second} ${half}`,
    approved: a.approved + b.approved,
    // SOURCE_DATABASE_URL is left as the bench world sets it; the sources file replaces it.
    env: (w, sink, storeUrl, dataDir) => {
      const env = baseEnv(w, sink, storeUrl, a.url, dataDir, { SOURCES_FILE: file });
      delete env.SOURCE_DATABASE_URL;
      return env;
    },
  };
}

/** The JSON log lines of a run as `ms message {fields}`, ms from `spawned`. */
function timeline(stderr: string, spawned: number): string {
  const lines: string[] = [];
  for (const line of stderr.split('\n')) {
    if (!line.startsWith('{')) continue;
    const { timestamp, message, level, ...rest } = JSON.parse(line) as Record<string, unknown>;
    if (level === 'debug' && typeof message === 'string' && /^(sql|http)/.test(message)) continue;
    lines.push(`    ${String(Date.parse(String(timestamp)) - spawned).padStart(6)} ms  ${String(message)} ${JSON.stringify(rest)}`);
  }
  return lines.join('\n');
}

/** Per profiled thread: its busiest project files and where its samples really were. */
function profileLines(dir: string): string {
  const lines: string[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const summary = summariseProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile);
    const busy = summary.totalMs - (summary.bySelf.get('(idle)') ?? 0);
    lines.push(`    ${file}: ${sec(summary.totalMs)}, busy ${sec(busy)}`);
    for (const line of topLines(summary.byProjectFile, summary.totalMs, 8)) lines.push(`      ${line}`);
    for (const line of topLines(summary.topFunctions, summary.totalMs, 8)) lines.push(`      fn ${line}`);
  }
  return lines.join('\n');
}

interface Measured { firstMs: number; noChangeMs: number; firstCpuMs: number; noChangeCpuMs: number; once: boolean; detail: string }

/** `run` under CPU accounting: the gateway process's own (threads included) and PostgreSQL's over the same time. */
async function cpuOf(world: BenchWorld, run: () => Promise<ChildRun>): Promise<{ run: ChildRun; gatewayMs: number; postgresMs: number }> {
  const pg0 = postgresCpuMs(world.server.dataDir) ?? NaN;
  const child = await run();
  const pg1 = postgresCpuMs(world.server.dataDir) ?? NaN;
  return { run: child, gatewayMs: child.usage ? child.usage.userMs + child.usage.systemMs : NaN, postgresMs: pg1 - pg0 };
}
const cpuText = (c: { gatewayMs: number; postgresMs: number }) => `CPU gateway ${sec(c.gatewayMs)} + PostgreSQL ${sec(c.postgresMs)}`;

/** First sync on a fresh store (checked exactly once), then the no-change sync, each a process of its own. */
async function measure(world: BenchWorld, sink: Sink, setup: Setup, name: string): Promise<Measured> {
  const storeUrl = await world.newDatabase(name);
  const env = setup.env(world, sink, storeUrl, `data-${name}`);
  if (opts.stages) env.LOG_LEVEL = 'debug';
  const before = await sink.stats();
  const spawned = Date.now();
  const profDir = join(world.tempDir, `prof-${name}`);
  const nodeArgs = opts['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', profDir] : [];
  const firstCpu = await cpuOf(world, () => runGatewayChild([cli, 'sync', '--json'], env, nodeArgs));
  if (opts['cpu-prof']) log(profileLines(profDir));
  const first = firstCpu.run;
  if (opts.stages) log(timeline(first.stderr, spawned));
  env.LOG_LEVEL = 'warn';
  const s = summaryOf(first);
  const after = await sink.stats();
  const stored = await storeAccepted(storeUrl);
  const failed = s.sourcesFailed?.length ?? 0;
  const once = failed === 0 && (s.conflicts ?? 0) === 0 && (s.held ?? 0) === 0 &&
    s.due === setup.approved && s.queued + s.invalid === s.due && s.accepted === s.queued &&
    after.records - before.records === s.queued && stored.versions === s.queued && stored.persons === s.queued;
  const againCpu = await cpuOf(world, () => runGatewayChild([cli, 'sync', '--json'], env));
  const again = againCpu.run;
  const n = summaryOf(again);
  const quiet = n.queued === 0 && (n.sourcesFailed?.length ?? 0) === 0;
  return {
    firstMs: first.wallMs, noChangeMs: again.wallMs, once: once && quiet,
    firstCpuMs: firstCpu.gatewayMs + firstCpu.postgresMs, noChangeCpuMs: againCpu.gatewayMs + againCpu.postgresMs,
    detail: `first sync ${sec(first.wallMs)} (due ${s.due}, queued ${s.queued}, invalid ${s.invalid}, accepted ${s.accepted}, ` +
      `sink +${after.records - before.records}, stored accepted ${stored.versions}/${stored.persons} people, conflicts ${s.conflicts ?? 0}, failed sources ${failed}; ${cpuText(firstCpu)}); ` +
      `no-change ${sec(again.wallMs)} (due ${n.due}, queued ${n.queued}; ${cpuText(againCpu)})`,
  };
}

interface Row { what: string; run: string; one: string; two: string; ratio: string; target: string }

async function main(): Promise<void> {
  if (!statSync(cli, { throwIfNoEntry: false })) throw new Error(`${cli} is missing: run 'npm run build' first`);
  log(`merged-province bench: ${people} people, ${runs} run(s); one qlcb source of ${people} against qlcb ${people / 2} + ${second} ${people / 2}; ` +
    `PostgreSQL ${opts.durable ? 'durable (fsync on)' : 'fsync off'}; sink from ${shared}`);
  log(`${machineCheckLine('start')}; load average ${load1()}`);
  const world = await startBenchWorld(people, (line) => log(`  ${line}`), { durable: opts.durable });
  const sink = await startSink(shared);
  const rows: Row[] = [];
  try {
    log(`  one source: qlcb, ${world.generation.people} people (${world.generation.approved} approved) generated in ${sec(world.generationMs)}`);
    const one: Setup = {
      label: `one source, qlcb ${people}`, approved: world.generation.approved,
      env: (w, sink, storeUrl, dataDir) => baseEnv(w, sink, storeUrl, w.sourceUrl, dataDir),
    };
    const two = await twoSources(world);
    for (let r = 1; r <= runs; r += 1) {
      // Alternate which goes first, so a drift of the machine's speed does not favour one.
      const order: ['one' | 'two', Setup][] = r % 2 === 1 ? [['one', one], ['two', two]] : [['two', two], ['one', one]];
      const got: Partial<Record<'one' | 'two', Measured>> = {};
      for (const [key, setup] of order) {
        got[key] = await measure(world, sink, setup, `store_${key}_${r}`);
        log(`run ${r}: ${setup.label}: ${got[key].detail}; exactly once: ${got[key].once ? 'yes' : 'NO'}; load ${load1()}`);
      }
      const [o, t] = [got.one!, got.two!];
      const row = (what: string, a: number, b: number, target?: number): Row => {
        const ratio = b / a;
        const verdict = target === undefined ? '(no target)' : `<= ${target}x ${ratio <= target ? 'meets' : 'MISSES'}`;
        return { what, run: String(r), one: sec(a), two: sec(b), ratio: `${ratio.toFixed(2)}x`, target: verdict };
      };
      const onceNote = o.once && t.once ? '' : ' (NOT exactly once)';
      rows.push(row(`first sync, ${people} people${onceNote}`, o.firstMs, t.firstMs, TARGET.first));
      rows.push(row('no-change sync', o.noChangeMs, t.noChangeMs, TARGET.noChange));
      // CPU (the gateway's and PostgreSQL's) moves less than wall time on a busy machine.
      rows.push(row('first sync CPU, gateway + PostgreSQL', o.firstCpuMs, t.firstCpuMs));
      rows.push(row('no-change sync CPU, gateway + PostgreSQL', o.noChangeCpuMs, t.noChangeCpuMs));
    }
  } finally {
    sink.stop();
    await world.close();
  }
  log(`${machineCheckLine('end')}; load average ${load1()}`);
  const head: Row = { what: 'measure', run: 'run', one: 'one source', two: `two sources (qlcb + ${second})`, ratio: 'two / one', target: 'target' };
  const cols: (keyof Row)[] = ['what', 'run', 'one', 'two', 'ratio', 'target'];
  const width = Object.fromEntries(cols.map((c) => [c, Math.max(head[c].length, ...rows.map((x) => x[c].length))])) as Record<keyof Row, number>;
  log('');
  for (const x of [head, ...rows]) log(`| ${cols.map((c) => x[c].padEnd(width[c])).join(' | ')} |`);
}

await main();
