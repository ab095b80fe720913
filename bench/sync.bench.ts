import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createDb } from '../src/db/db.js';
import { projectRoot } from '../src/paths.js';
import { BENCH_PASSPHRASE, BENCH_SENDER, startBenchSimulator, startBenchWorld, type BenchSimulator, type BenchWorld } from './support/bench-world.js';
import { summariseProfile, topLines, type CpuProfile } from './support/cpu-profile.js';
import { gatewayEnv, runGatewayChild, type ChildRun } from './support/gateway-child.js';
import { machineCheckLine } from './support/machine-check.js';
import { postgresCpuMs } from './support/postgres-cpu.js';
import { ledgerLines, phaseLines } from './support/profile-report.js';
import type { ProbeReport } from './support/sync-probe.js';

/**
 * Sync bench: a full first sync of N generated people (default
 * 100,000) from a real PostgreSQL to the national simulator on loopback, then a second sync
 * with nothing changed. The gateway runs as a child process (the built CLI, `sync`), so the
 * figures are its own: wall time, records per second end to end, peak RSS. Targets on the
 * 2-core machine: >= 5,000 records/s, no-change < 3 s, peak < 512 MiB.
 * With --profile, the same two syncs run again on fresh stores through bench/support/
 * sync-probe.ts (edges timed, CPU profiled), with the simulator CPU-profiled in this process.
 *
 * Usage: npx tsx bench/sync.bench.ts [--people N] [--cli dist/cli/index.js] [--profile] [--threads T]
 * (--threads sets the gateway's MAPPING_THREADS; unset, its default: cores - 1, 1 to 4)
 */
const { values: opts } = parseArgs({
  options: {
    people: { type: 'string', default: '100000' },
    cli: { type: 'string', default: 'dist/cli/index.js' },
    profile: { type: 'boolean', default: false },
    threads: { type: 'string' },
  },
});
const people = Number(opts.people);
const cli = resolve(projectRoot, opts.cli);
const TARGET = { rate: 5_000, noChangeMs: 3_000, rssMiB: 512 };

const mib = (kb: number | undefined) => (kb === undefined ? '?' : `${(kb / 1024).toFixed(0)} MiB`);
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function figure(run: ChildRun): { due: number; accepted: number } {
  const due = Number(/due (\d+)/.exec(run.stdout)?.[1] ?? NaN);
  const accepted = Number(/records accepted (\d+)/.exec(run.stdout)?.[1] ?? NaN);
  return { due, accepted };
}

function printRun(title: string, run: ChildRun): void {
  console.log(`\n${title}: exit ${run.exitCode}, wall ${sec(run.wallMs)}, peak RSS ${mib(run.usage?.maxRssKb)}`);
  for (const line of run.stdout.trim().split('\n')) console.log(`  | ${line}`);
  if (run.exitCode !== 0) for (const line of run.stderr.trim().split('\n').slice(-15)) console.log(`  ! ${line}`);
  if (run.usage) {
    console.log(`  gateway CPU ${sec(run.usage.userMs + run.usage.systemMs)} (user ${sec(run.usage.userMs)}, sys ${sec(run.usage.systemMs)}); ` +
      `simulator (this process) CPU ${sec(run.parentCpuMs)}`);
  }
}

function verdict(ok: boolean): string {
  return ok ? 'meets target' : 'MISSES target';
}

async function ledgerCounts(sim: BenchSimulator): Promise<string> {
  const res = await sim.ledger.query<{ acceptances: number; officials: number; packets: number }>(
    `SELECT (SELECT count(*)::int FROM csdl_simulator.acceptances) AS acceptances,
            (SELECT count(*)::int FROM csdl_simulator.officials) AS officials,
            (SELECT count(*)::int FROM csdl_simulator.packets) AS packets`,
  );
  const r = res.rows[0]!;
  return `ledger: ${r.packets} packets, ${r.acceptances} acceptances, ${r.officials} officials held`;
}

/** The gateway's configuration for one pair (store, simulator): a fresh store database. */
async function benchEnv(world: BenchWorld, sim: BenchSimulator, name: string): Promise<NodeJS.ProcessEnv> {
  return gatewayEnv({
    storeUrl: await world.newDatabase(`store_${name}`), sourceUrl: world.sourceUrl, ndxpUrl: sim.sim.url,
    clientId: sim.sim.client.clientId, clientSecret: sim.sim.client.clientSecret,
    signingKeyFile: world.pki.province.p12, signingKeyPassphrase: BENCH_PASSPHRASE, trustAnchorsFile: world.pki.trustAnchors,
    senderCode: BENCH_SENDER, dataDir: join(world.tempDir, `data-${name}`),
  }, opts.threads === undefined ? {} : { MAPPING_THREADS: opts.threads });
}

/** How big what the first sync left in the store is: the evidence for the memory figures. */
async function storeSizes(url: string): Promise<string> {
  const db = createDb(url, { max: 1 });
  try {
    const res = await db.query<{ packets: number; payload: number; envelope: number; versions: string; total: string }>(
      `SELECT count(*)::int AS packets, coalesce(avg(payload_bytes), 0)::int AS payload, coalesce(avg(octet_length(envelope)), 0)::int AS envelope,
              pg_size_pretty(pg_total_relation_size('csdl_gateway.record_versions')) AS versions,
              pg_size_pretty(sum(octet_length(envelope))) AS total
         FROM csdl_gateway.packets`,
    );
    const r = res.rows[0]!;
    return `store: ${r.packets} packets, payload ${(r.payload / 1024).toFixed(0)} KiB and envelope ${(r.envelope / 1024).toFixed(0)} KiB on average ` +
      `(${r.total} of envelopes in all); record_versions ${r.versions}`;
  } finally {
    await db.close();
  }
}

async function measure(world: BenchWorld): Promise<void> {
  const sim = await startBenchSimulator(world, 'ledger_main');
  try {
    const env = await benchEnv(world, sim, 'main');
    const pg0 = postgresCpuMs(world.server.dataDir);
    const first = await runGatewayChild([cli, 'sync'], env);
    printRun('(a) first sync', first);
    const pg1 = postgresCpuMs(world.server.dataDir);
    if (pg0 !== undefined && pg1 !== undefined) console.log(`  PostgreSQL CPU ${sec(pg1 - pg0)} (provincial reads, the gateway's store, the simulator's ledger)`);
    console.log(`  ${await ledgerCounts(sim)}`);
    console.log(`  ${await storeSizes(String(env.DATABASE_URL))}`);
    const second = await runGatewayChild([cli, 'sync'], env);
    printRun('(b) second sync, nothing changed', second);

    const { due, accepted } = figure(first);
    const rate = due / (first.wallMs / 1000);
    const peak = Math.max(first.usage?.maxRssKb ?? Infinity, second.usage?.maxRssKb ?? Infinity) / 1024;
    console.log('\nfigures (people generated: %d, approved: %d)', world.generation.people, world.generation.approved);
    console.log(`  first sync   ${due} records due, ${accepted} accepted in ${sec(first.wallMs)}: ${Math.round(rate).toLocaleString('en')} records/s end to end` +
      ` -> ${verdict(first.exitCode === 0 && rate >= TARGET.rate)} (>= ${TARGET.rate}/s)`);
    console.log(`  no change    ${sec(second.wallMs)} -> ${verdict(second.exitCode === 0 && second.wallMs < TARGET.noChangeMs)} (< ${TARGET.noChangeMs / 1000} s)`);
    console.log(`  peak RSS     first ${mib(first.usage?.maxRssKb)}, second ${mib(second.usage?.maxRssKb)} -> ${verdict(peak < TARGET.rssMiB)} (< ${TARGET.rssMiB} MiB)`);
  } finally {
    await sim.stop();
  }
}

/** One probed sync: the gateway's steps timed and CPU-profiled, the simulator CPU-profiled here. */
async function probe(world: BenchWorld, title: string, env: NodeJS.ProcessEnv, sim: BenchSimulator): Promise<void> {
  const profDir = join(world.tempDir, `cpu-${Date.now()}`);
  mkdirSync(profDir, { recursive: true });
  const probeFile = join(profDir, 'probe.json');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  const run = await runGatewayChild([join(projectRoot, 'bench', 'support', 'sync-probe.ts')], { ...env, BENCH_PROBE_FILE: probeFile, BENCH_DIST: dirname(dirname(cli)) },
    ['--import', 'tsx', '--cpu-prof', '--cpu-prof-dir', profDir]);
  const { profile: simProfile } = await session.post('Profiler.stop');
  session.disconnect();
  console.log(`\n=== profile: ${title} (probe child exit ${run.exitCode}, wall ${sec(run.wallMs)}, peak RSS ${mib(run.usage?.maxRssKb)}) ===`);
  if (run.exitCode !== 0) {
    console.log(run.stderr.trim().split('\n').slice(-15).join('\n'));
    return;
  }
  const report = JSON.parse(readFileSync(probeFile, 'utf8')) as ProbeReport;
  console.log(`summary: ${JSON.stringify(report.summary)}`);
  console.log('gateway steps (wall clock, edges timed):');
  for (const line of phaseLines(report)) console.log(`  ${line}`);
  const profFile = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
  if (profFile) {
    const g = summariseProfile(JSON.parse(readFileSync(join(profDir, profFile), 'utf8')) as CpuProfile, report.runWindowUs);
    const busy = g.totalMs - (g.bySelf.get('(idle)') ?? 0);
    console.log(`gateway CPU profile of the run: ${sec(busy)} busy of ${sec(g.totalMs)}; by innermost project file on the stack:`);
    for (const line of topLines(g.byProjectFile, busy, 14)) console.log(`  ${line}`);
    console.log('  by where the samples really were:');
    g.bySelf.delete('(idle)');
    for (const line of topLines(g.bySelf, busy, 10)) console.log(`    ${line}`);
    console.log('  hottest functions (self):');
    for (const line of topLines(g.topFunctions, busy, 12)) console.log(`    ${line}`);
  }
  const s = summariseProfile(simProfile as unknown as CpuProfile);
  const simBusy = s.totalMs - (s.bySelf.get('(idle)') ?? 0);
  console.log(`simulator CPU profile (this process): ${sec(simBusy)} busy of ${sec(s.totalMs)}; by project file on the stack:`);
  for (const line of topLines(s.byProjectFile, simBusy, 12)) console.log(`  ${line}`);
  console.log('  hottest functions (self):');
  for (const line of topLines(s.topFunctions, simBusy, 8)) console.log(`    ${line}`);
  console.log('simulator ledger statements (awaited, cumulative since its start):');
  for (const line of ledgerLines(sim.log).slice(0, 10)) console.log(line);
}

async function profileRuns(world: BenchWorld): Promise<void> {
  const sim = await startBenchSimulator(world, 'ledger_probe');
  try {
    const env = await benchEnv(world, sim, 'probe');
    await probe(world, 'first sync', env, sim);
    sim.log.statements.clear();
    await probe(world, 'second sync, nothing changed', env, sim);
  } finally {
    await sim.stop();
  }
}

async function main(): Promise<void> {
  const built = statSync(cli, { throwIfNoEntry: false });
  if (!built) throw new Error(`${cli} is missing: run 'npm run build' first`);
  if (newestMtime(join(projectRoot, 'src')) > built.mtimeMs) {
    console.log(`note: src/ has changed since ${opts.cli} was built; the figures are for the built code ('npm run build' to refresh)`);
  }
  console.log(`sync bench: ${people} people, gateway = node ${opts.cli} sync (child process)`);
  console.log(machineCheckLine('start'));
  const world = await startBenchWorld(people, (line) => console.log(`  ${line}`));
  try {
    console.log(`provincial database: ${world.generation.people} people (${world.generation.approved} approved) generated in ${sec(world.generationMs)}`);
    await measure(world);
    console.log(machineCheckLine('end'));
    if (opts.profile) await profileRuns(world);
  } finally {
    await world.close();
  }
}

await main();
