/**
 * The audit log's speed on a real PostgreSQL (docs/decisions/audit-log.md):
 *  - appends per second from concurrent writers, each awaiting its own append in a loop, as
 *    the sharing endpoint's requests do (one entry per request; group commit batches them);
 *  - `audit verify` over 100,000 entries (target: under 5 s).
 * Uses TEST_DATABASE_URL when set, otherwise starts a throw-away server. Prints, never asserts.
 * Run: npx tsx bench/audit.bench.ts [APPENDS_PER_RUN] (default 40000)
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createAuditLog } from '../src/audit/audit-log.js';
import { verifyAuditLog } from '../src/audit/audit-verify.js';
import { createDb, type Db } from '../src/db/db.js';
import { migrate } from '../src/db/migrate.js';
import { auditPki, shareRead } from '../test/audit/audit-fixture.js';
import { createDatabase, startThrowawayPostgres, type ThrowawayPostgres } from '../test/setup/postgres-server.js';
import { machineCheckLine } from './support/machine-check.js';

const APPENDS = Number(process.argv[2] ?? 40_000);
const VERIFY_ENTRIES = 100_000;

/** Counts the transactions, i.e. the batches group commit made. */
function counted(db: Db): Db & { batches: number } {
  const wrapper = { ...db, batches: 0 } as Db & { batches: number };
  wrapper.transaction = (fn, options) => {
    wrapper.batches += 1;
    return db.transaction(fn, options);
  };
  return wrapper;
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

async function appendRun(url: string, writers: number): Promise<string> {
  const db = counted(createDb(url, { max: 4 }));
  const pki = auditPki();
  const log = createAuditLog(db, { signer: pki.signer });
  const each = Math.ceil(APPENDS / writers);
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(Array.from({ length: writers }, async (_, w) => {
    for (let i = 0; i < each; i += 1) {
      const t0 = performance.now();
      await log.append(shareRead(w * each + i));
      latencies.push(performance.now() - t0);
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  await log.close();
  await db.close();
  latencies.sort((a, b) => a - b);
  const total = each * writers;
  return `${String(writers).padStart(3)} writers: ${total} appends in ${seconds.toFixed(2)} s = ${Math.round(total / seconds)} appends/s; ` +
    `${db.batches} transactions (${(total / db.batches).toFixed(1)} entries each); ` +
    `latency p50 ${percentile(latencies, 0.5).toFixed(2)} ms, p99 ${percentile(latencies, 0.99).toFixed(2)} ms`;
}

async function verifyRun(url: string): Promise<string[]> {
  const db = createDb(url, { max: 4 });
  const pki = auditPki();
  const log = createAuditLog(db, { signer: pki.signer, maxBatch: 5000, checkpointEvery: 1000 });
  const filled = performance.now();
  await Promise.all(Array.from({ length: VERIFY_ENTRIES }, (_, i) => log.append(shareRead(i))));
  await log.close();
  const fillMs = performance.now() - filled;
  const lines: string[] = [];
  for (let round = 1; round <= 2; round += 1) {
    const started = performance.now();
    const report = await verifyAuditLog(db, { trust: pki.trust });
    const ms = performance.now() - started;
    lines.push(`verify round ${round}: ${report.entries} entries, ${report.checkpoints} checkpoints, ok=${report.ok}, ${(ms / 1000).toFixed(2)} s`);
  }
  await db.close();
  return [`filled ${VERIFY_ENTRIES} entries (batches of up to 5000) in ${(fillMs / 1000).toFixed(2)} s`, ...lines];
}

async function main(): Promise<void> {
  console.log(machineCheckLine('start'));
  let server: ThrowawayPostgres | undefined;
  const admin = process.env.TEST_DATABASE_URL ?? (server = await startThrowawayPostgres()).url;
  const names: string[] = [];
  const fresh = async (): Promise<string> => {
    const name = `audit_bench_${randomBytes(4).toString('hex')}`;
    names.push(name);
    const url = await createDatabase(admin, name);
    const db = createDb(url, { max: 1 });
    await migrate(db);
    await db.close();
    return url;
  };
  try {
    console.log(`audit appends on ${server ? 'a throw-away PostgreSQL' : 'TEST_DATABASE_URL'}, ${APPENDS} per run:`);
    for (const writers of [1, 8, 64]) console.log(`  ${await appendRun(await fresh(), writers)}`);
    console.log(`audit verify over ${VERIFY_ENTRIES} entries:`);
    for (const line of await verifyRun(await fresh())) console.log(`  ${line}`);
  } finally {
    const c = new pg.Client({ connectionString: admin });
    await c.connect();
    for (const name of names) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
    server?.stop();
  }
  console.log(machineCheckLine('end'));
}

await main();
