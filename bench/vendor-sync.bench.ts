import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createDb } from '../src/db/db.js';
import { generateNhansu } from '../src/demo/nhansu/generate-nhansu.js';
import { installNhansuSchema } from '../src/demo/nhansu/nhansu-schema.js';
import { projectRoot } from '../src/paths.js';
import { BENCH_PASSPHRASE, BENCH_SENDER, startBenchSimulator, startBenchWorld, type BenchWorld } from './support/bench-world.js';
import { gatewayEnv, runGatewayChild, type ChildRun } from './support/gateway-child.js';
import { machineCheckLine, machineCheckUs } from './support/machine-check.js';

/**
 * The second vendor's speed: the first sync of N generated people from the nhansu schema
 * (mappings/nhansu) against the first sync of the same N people from qlcb (mappings/qlcb), in
 * one run on one PostgreSQL server, each into a fresh store and a fresh simulator ledger. The
 * gateway is the built CLI in a child process. The four syncs run in the order qlcb, nhansu,
 * nhansu, qlcb so a drift of the shared machine's speed weighs on both alike; the machine check
 * is printed between them. Target: nhansu within 1.2x of qlcb.
 *
 * Usage: npx tsx bench/vendor-sync.bench.ts [--people N] [--cli dist/cli/index.js]
 */
const { values: opts } = parseArgs({
  options: {
    people: { type: 'string', default: '20000' },
    cli: { type: 'string', default: 'dist/cli/index.js' },
  },
});
const people = Number(opts.people);
const cli = resolve(projectRoot, opts.cli);
const TARGET_RATIO = 1.2;
const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

type Vendor = 'qlcb' | 'nhansu';

async function nhansuSource(world: BenchWorld): Promise<string> {
  const url = await world.newDatabase('provincial_nhansu');
  const db = createDb(url, { max: 4 });
  try {
    await installNhansuSchema(db);
    const summary = await generateNhansu(db, { people, seed: 1 });
    await db.query('ANALYZE');
    console.log(`  nhansu: ${summary.people} people, ${summary.approved} approved, ${summary.deleted.size} soft-deleted`);
  } finally {
    await db.close();
  }
  return url;
}

async function firstSync(world: BenchWorld, vendor: Vendor, sourceUrl: string, round: number): Promise<{ run: ChildRun; due: number; accepted: number }> {
  const sim = await startBenchSimulator(world, `ledger_${vendor}_${round}`);
  try {
    const env = gatewayEnv({
      storeUrl: await world.newDatabase(`store_${vendor}_${round}`), sourceUrl, ndxpUrl: sim.sim.url,
      clientId: sim.sim.client.clientId, clientSecret: sim.sim.client.clientSecret,
      signingKeyFile: world.pki.province.p12, signingKeyPassphrase: BENCH_PASSPHRASE, trustAnchorsFile: world.pki.trustAnchors,
      senderCode: BENCH_SENDER, dataDir: join(world.tempDir, `data-${vendor}-${round}`),
    }, { MAPPING_FILE: join(projectRoot, 'mappings', vendor) });
    const run = await runGatewayChild([cli, 'sync'], env);
    const due = Number(/due (\d+)/.exec(run.stdout)?.[1] ?? NaN);
    const accepted = Number(/records accepted (\d+)/.exec(run.stdout)?.[1] ?? NaN);
    console.log(`  ${vendor} (round ${round}): exit ${run.exitCode}, ${due} due, ${accepted} accepted, wall ${sec(run.wallMs)}, ` +
      `gateway CPU ${run.usage ? sec(run.usage.userMs + run.usage.systemMs) : '?'}`);
    if (run.exitCode !== 0) for (const line of run.stderr.trim().split('\n').slice(-10)) console.log(`  ! ${line}`);
    return { run, due, accepted };
  } finally {
    await sim.stop();
  }
}

async function main(): Promise<void> {
  console.log(`vendor sync bench: ${people} people per vendor, gateway = node ${opts.cli} sync (child process)`);
  const before = machineCheckUs();
  console.log(machineCheckLine('start'));
  const world = await startBenchWorld(people, (line) => console.log(`  ${line}`));
  try {
    console.log(`  qlcb: ${world.generation.people} people, ${world.generation.approved} approved`);
    const sources: Record<Vendor, string> = { qlcb: world.sourceUrl, nhansu: await nhansuSource(world) };
    const wall: Record<Vendor, number[]> = { qlcb: [], nhansu: [] };
    const due: Record<Vendor, number[]> = { qlcb: [], nhansu: [] };
    const order: Vendor[] = ['qlcb', 'nhansu', 'nhansu', 'qlcb'];
    for (const [round, vendor] of order.entries()) {
      const { run, due: n } = await firstSync(world, vendor, sources[vendor], round);
      wall[vendor].push(run.wallMs);
      due[vendor].push(n);
      console.log(`  ${machineCheckLine(`after round ${round}`)}`);
    }
    const total = (v: Vendor) => wall[v].reduce((a, b) => a + b, 0);
    const ratio = total('nhansu') / total('qlcb');
    // nhansu sends fewer people (its soft-deleted are never due): the same ratio per record due.
    const perRecord = (v: Vendor) => total(v) / due[v].reduce((a, b) => a + b, 0);
    const recordRatio = perRecord('nhansu') / perRecord('qlcb');
    const after = machineCheckUs();
    console.log(`\nfigures: first sync of ${people} generated people, two rounds each`);
    console.log(`  qlcb   ${wall.qlcb.map(sec).join(', ')}`);
    console.log(`  nhansu ${wall.nhansu.map(sec).join(', ')}`);
    console.log(`  nhansu / qlcb = ${ratio.toFixed(2)} -> ${ratio <= TARGET_RATIO ? 'meets target' : 'MISSES target'} (<= ${TARGET_RATIO})`);
    console.log(`  per record due: nhansu ${perRecord('nhansu').toFixed(2)} ms, qlcb ${perRecord('qlcb').toFixed(2)} ms, ratio ${recordRatio.toFixed(2)}`);
    console.log(`  machine check ${before.toFixed(1)} µs at start, ${after.toFixed(1)} µs at the end` +
      `${Math.max(before, after) / Math.min(before, after) > 1.3 ? ': the machine changed speed during the run, compare with care' : ''}`);
  } finally {
    await world.close();
  }
}

await main();
