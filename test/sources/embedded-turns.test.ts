import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { auditStep } from '../../src/app/audit-step.js';
import { demoProvinceStep } from '../../src/app/demo-province-step.js';
import type { StartContext } from '../../src/app/gateway.js';
import { shareStep } from '../../src/app/share-step.js';
import { signingStep } from '../../src/app/signing-step.js';
import { syncStep } from '../../src/app/sync-step.js';
import { openMigratedStore, openSourceDatabase } from '../../src/compose/databases.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/log/logger.js';
import type { RefreshSummary } from '../../src/share/shared-records-refresh.js';

interface LogLine { level: string; message: string; sourcesFailed?: string[] }

/**
 * The rehearsal's embedded databases (DEMO_SOURCES=2) serve one connection each. A sync holds
 * a source's transaction while it writes the store; the shared records' refresh holds the
 * store's while it reads the provincial database. Started together, without turns, each waited
 * for the other's connection until the pool's 10 s timeout: a source was left to the next run
 * (exit 75), or the refresh did not copy the unit tree. Here the start steps run as `start` runs them, but the sync
 * starts at once (no start-up ordering) and the sharing step's first refresh as it reads: both finish,
 * every source read.
 */
describe('rehearsal: a sync and the shared records refresh take turns on the embedded databases', function () {
  this.timeout(300_000);
  let dataDir: string;
  const lines: LogLine[] = [];
  const stops: (() => Promise<void>)[] = [];

  before(function () {
    dataDir = mkdtempSync(join(tmpdir(), 'csdl-turns-'));
  });
  after(async function () {
    for (const stop of stops.splice(0).reverse()) await stop().catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a sync and a refresh started together both finish, no source left over', async function () {
    const config = loadConfig({ DATA_DIR: dataDir, DEMO_SOURCES: '2', DEMO_PEOPLE: '200', PORT: '0', SIMULATOR_PORT: '0', SYNC_CRON: '0 0 1 1 *' });
    const logger = createLogger({
      level: 'info', format: 'json',
      stream: new Writable({ write: (chunk: Buffer, _e, done) => { lines.push(JSON.parse(chunk.toString('utf8')) as LogLine); done(); } }),
    });
    const { store } = await openMigratedStore(config);
    stops.push(() => store.close());
    const source = await openSourceDatabase(config);
    stops.push(() => source.close());
    const ctx: StartContext = {
      config, logger, store, source, summary: [], readiness: [], services: {}, routers: [], openApi: [],
      onStop: (fn) => stops.push(fn),
    };
    for (const step of [signingStep, auditStep, demoProvinceStep]) await step(ctx);
    // No afterSteps: the sync step starts its sync now. The sharing step starts its refresh
    // once the sync has begun its run (it reads its sources next), as a 30-second tick would.
    await syncStep(ctx);
    while ((await store.db.query('SELECT 1 FROM csdl_gateway.sync_runs')).rowCount === 0) await new Promise((r) => setTimeout(r, 5));
    await shareStep(ctx);
    const refreshed = (await ctx.services.firstShareRefresh) as RefreshSummary | undefined;
    // Stopping waits for the first sync (and the refresh, the simulator, the databases).
    for (const stop of stops.splice(0).reverse()) await stop();

    const seen = lines.map((l) => JSON.stringify(l)).join('\n');
    expect(refreshed, `the refresh finished:\n${seen}`).to.not.equal(undefined);
    expect(refreshed!.unitsError, seen).to.equal(undefined);
    expect(refreshed!.unitsCopied, seen).to.equal(true);
    expect(lines.filter((l) => l.level !== 'info'), seen).to.deep.equal([]);
    expect(lines.filter((l) => l.message.startsWith('source failed this run')), seen).to.deep.equal([]);
    const finished = lines.filter((l) => l.message === 'sync finished');
    expect(finished, seen).to.have.length(1);
    expect(finished[0]!.sourcesFailed, seen).to.deep.equal([]);
  });
});
