import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as SyncEdgesModule from '../../src/compose/sync-edges.js';
import type * as SyncComposeModule from '../../src/compose/sync-compose.js';
import type * as ConfigModule from '../../src/config/config.js';
import type * as LoggerModule from '../../src/log/logger.js';
import { classifySource, classifyStore, createTimingLog, note, timed, timedDb, type StatementTiming, type TimingLog } from './timed-db.js';

/**
 * The sync bench's profiling child: one `csdl-gateway sync`, wired as the CLI wires it
 * (src/cli/commands/sync-command.ts) from the same configuration, but with every edge timed:
 * the provincial database, the store, the signer and the NDXP client. What is left of each
 * step's wall time is the gateway's own CPU (mapping, record versions, grouping, encoding).
 * The gateway's code is loaded from the build the bench measures (BENCH_DIST, the folder
 * holding cli/index.js's parent), so the profile is of the same code as the figures.
 * Writes its report as JSON to BENCH_PROBE_FILE. Run by bench/sync.bench.ts --profile.
 */
export interface ProbeReport {
  summary: unknown;
  runMs: number;
  /** The run on the CPU profile's clock (µs of process.hrtime, CLOCK_MONOTONIC). */
  runWindowUs: { fromUs: number; toUs: number };
  phases: { phase: string; startMs: number; ms: number }[];
  calls: { phase: string; label: string; timing: StatementTiming }[];
}

/** Steps of SyncService.run, each started by the first statement only it runs. */
const TRANSITIONS: Record<string, string> = {
  'store.startRun': 'collect',
  'store.queued': 'pack',
  'store.packetsIn(pending)': 'send',
  'store.packetsIn(sent)': 'settle',
  'store.finishRun': 'finish',
};

async function load<T>(dist: string, module: string): Promise<T> {
  return (await import(pathToFileURL(join(dist, module)).href)) as T;
}

async function main(): Promise<void> {
  const out = process.env.BENCH_PROBE_FILE;
  const dist = process.env.BENCH_DIST;
  if (!out || !dist) throw new Error('BENCH_PROBE_FILE or BENCH_DIST is not set: run this from bench/sync.bench.ts --profile');
  const { openSyncEdges } = await load<typeof SyncEdgesModule>(dist, 'compose/sync-edges.js');
  const { composeSync } = await load<typeof SyncComposeModule>(dist, 'compose/sync-compose.js');
  const { loadConfig } = await load<typeof ConfigModule>(dist, 'config/config.js');
  const { createLogger } = await load<typeof LoggerModule>(dist, 'log/logger.js');
  const config = loadConfig();
  const logger = createLogger({ level: 'warn', format: 'json' });
  const log = createTimingLog('setup', TRANSITIONS);
  const { store, source, signer, national, close } = await openSyncEdges(config, logger, { national: true });
  try {
    if (!national) throw new Error('no national side');
    const client = national.client;
    const service = composeSync(config, {
      store: { ...store, db: timedDb(store.db, log, classifyStore) },
      source: { ...source, db: timedDb(source.db, log, classifySource, 'source.transaction') },
      signer: { identity: (at) => signer.identity(at), sign: timedSync(log, 'signer.sign', (p: Buffer, t?: Date) => signer.sign(p, t)) },
      national: {
        ...national,
        client: { ...client, pushPacket: timed(log, 'ndxp.pushPacket', client.pushPacket), pollReceipt: timed(log, 'ndxp.pollReceipt', client.pollReceipt) },
      },
      logger,
    });
    const fromUs = Number(process.hrtime.bigint() / 1000n);
    log.origin = performance.now();
    const summary = await service.run();
    const runMs = performance.now() - log.origin;
    const toUs = Number(process.hrtime.bigint() / 1000n);
    const starts = [...log.phaseStarts.entries()].sort((a, b) => a[1] - b[1]);
    const report: ProbeReport = {
      summary,
      runMs,
      runWindowUs: { fromUs, toUs },
      phases: starts.map(([phase, startMs], i) => ({ phase, startMs, ms: (starts[i + 1]?.[1] ?? runMs) - startMs })),
      calls: [...log.statements.entries()].map(([key, timing]) => {
        const [phase, label] = key.split('\t') as [string, string];
        return { phase, label, timing };
      }),
    };
    writeFileSync(out, JSON.stringify(report));
  } finally {
    await close();
  }
}

/** A synchronous function timed like `timed` (the signer signs in-line). */
function timedSync<A extends unknown[], R>(log: TimingLog, label: string, fn: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    const started = performance.now();
    try {
      return fn(...args);
    } finally {
      note(log, label, started);
    }
  };
}

await main();
