import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { AuditEntryInput } from '../src/audit/audit-entry.js';
import { loadWorkingCalendar } from '../src/calendar/calendar-loader.js';
import { migrate } from '../src/db/migrate.js';
import { installProvincialSchema } from '../src/demo/provincial-schema.js';
import { loadMapping } from '../src/mapping/mapping-loader.js';
import { createNdxpClient } from '../src/ndxp/ndxp-client.js';
import { parseTrustAnchors } from '../src/signing/trust-anchors.js';
import { startDevSimulator } from '../src/simulator/dev-simulator.js';
import { createTransferService } from '../src/transfer/transfer-service.js';
import { freshDatabase } from '../test/setup/databases.js';
import { examplePacket } from '../test/contract/contract-examples.js';
import { machineCheckLine } from './support/machine-check.js';

/**
 * 1,000 transferee pulls against the national simulator on loopback, one after the other:
 * each fetches, verifies, decodes, validates, maps back and stages a record, and audits the
 * call (in memory here). The national side's own time (HTTP round trip and the simulator's
 * reading and signing) is measured per pull inside the NDXP call and subtracted, so the figure
 * is the gateway's own work: checks, verification, mapping and the two databases' writes.
 * Every fifth person is held as migrated and comes as XML. Databases: the test PostgreSQL
 * (TEST_DATABASE_URL, else a throw-away server). Run: npx tsx bench/transfer-pull.bench.ts [--pulls N]
 */
const { values } = parseArgs({ options: { pulls: { type: 'string', default: '1000' } } });
const PULLS = Number(values.pulls);
const SENDER = '000.00.00.H62';
const UNIT = '000.01.07.H62';

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

function line(name: string, ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return `${name.padEnd(34)} median ${quantile(s, 0.5).toFixed(2).padStart(7)} ms   p95 ${quantile(s, 0.95).toFixed(2).padStart(7)} ms   mean ${mean.toFixed(2).padStart(7)} ms`;
}

async function main(): Promise<void> {
  console.log(machineCheckLine('start'));
  const pkiDir = mkdtempSync(join(tmpdir(), 'transfer-bench-pki-'));
  const [source, store, ledger] = await Promise.all([freshDatabase('postgres'), freshDatabase('postgres'), freshDatabase('postgres')]);
  const sim = await startDevSimulator({ pkiDir, passphrase: 'bench-only', senderCode: SENDER, db: ledger.db });
  try {
    await installProvincialSchema(source.db, { sample: true });
    await migrate(store.db);
    const template = examplePacket().records[0].data;
    const ids: string[] = [];
    for (let i = 0; i < PULLS; i += 1) {
      const soDinhDanh = `026185${String(100_000 + i).padStart(6, '0')}`;
      ids.push(soDinhDanh);
      await sim.simulator.seedOfficial({
        soDinhDanh, record: { ...template, soDinhDanh }, approvedAt: '2026-01-05T08:00:00+07:00', sender: '000.00.00.H26', archived: false, migrated: i % 5 === 4,
      });
    }
    const client = createNdxpClient({
      baseUrl: sim.url, clientId: sim.client.clientId, clientSecret: sim.client.clientSecret, consumerCode: SENDER,
      connectTimeoutMs: 5000, responseTimeoutMs: 30_000,
    });
    let nationalMs = 0;
    const audit: AuditEntryInput[] = [];
    const service = createTransferService({
      store: store.db, source: source.db,
      national: {
        async pullOfficial(s, o) {
          const t0 = performance.now();
          try {
            return await client.pullOfficial(s, o);
          } finally {
            nationalMs += performance.now() - t0;
          }
        },
      },
      trustAnchors: parseTrustAnchors(readFileSync(sim.pki.trustAnchors, 'utf8')),
      mapping: loadMapping('mappings/qlcb'),
      calendar: loadWorkingCalendar(),
      audit: { append: async (e) => void audit.push(e), appendWithin: async (_tx, e) => void audit.push(e) },
    });
    // Warm-up: the token, connections, JIT; not counted.
    for (const s of ids.slice(0, 20)) await service.pull({ soDinhDanh: s, receivingUnit: UNIT }, { actor: { kind: 'cli', name: 'bench' } });
    const total: number[] = [];
    const national: number[] = [];
    const own: number[] = [];
    const started = performance.now();
    for (const soDinhDanh of ids) {
      nationalMs = 0;
      const t0 = performance.now();
      await service.pull({ soDinhDanh, receivingUnit: UNIT, decision: { ngayHieuLuc: '2026-02-09' } }, { actor: { kind: 'cli', name: 'bench' } });
      const ms = performance.now() - t0;
      total.push(ms);
      national.push(nationalMs);
      own.push(ms - nationalMs);
    }
    const wall = performance.now() - started;
    const staged = await source.db.query<{ n: string }>('SELECT count(*) AS n FROM qlcb.tiep_nhan_chuyen_den');
    console.log(`${PULLS} pulls in ${(wall / 1000).toFixed(1)} s (${(PULLS / (wall / 1000)).toFixed(0)}/s), ${staged.rows[0]?.n} staged rows, ${audit.length} audit entries`);
    console.log(line('whole pull', total));
    console.log(line("national side (NDXP call)", national));
    console.log(line("gateway's own (whole - national)", own));
    console.log(`target: gateway's own median < 20 ms: ${quantile([...own].sort((a, b) => a - b), 0.5) < 20 ? 'met' : 'NOT met'}`);
    client.close();
  } finally {
    await sim.stop();
    await Promise.all([source.drop(), store.drop(), ledger.drop()]);
    rmSync(pkiDir, { recursive: true, force: true });
  }
  console.log(machineCheckLine('end'));
}

await main();
