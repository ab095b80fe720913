import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_KEYS } from '../../src/config/config-schema.js';
import { createDb } from '../../src/db/db.js';

/**
 * Runs the gateway in a child process, as operators run it, so that its peak memory is its
 * own: usage-preload.mjs writes the child's resourceUsage() at exit. The parent's CPU over the
 * same time is reported too: in the bench the parent is the national simulator.
 */
export interface ChildUsage {
  code: number;
  maxRssKb: number;
  userMs: number;
  systemMs: number;
  uptimeMs: number;
}

export interface ChildRun {
  exitCode: number | null;
  wallMs: number;
  stdout: string;
  stderr: string;
  usage: ChildUsage | undefined;
  /** CPU the parent process (the simulator) spent while the child ran. */
  parentCpuMs: number;
}

const PRELOAD = fileURLToPath(new URL('./usage-preload.mjs', import.meta.url));

export interface GatewayEndpoints {
  storeUrl: string;
  sourceUrl: string;
  ndxpUrl: string;
  clientId: string;
  clientSecret: string;
  signingKeyFile: string;
  signingKeyPassphrase: string;
  trustAnchorsFile: string;
  senderCode: string;
  dataDir: string;
}

/** The child's environment: the parent's, without any gateway key it may carry, plus ours. */
export function gatewayEnv(e: GatewayEndpoints, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of [...CONFIG_KEYS, 'CONFIG_FILE']) delete env[key];
  return {
    ...env,
    DATABASE_URL: e.storeUrl,
    SOURCE_DATABASE_URL: e.sourceUrl,
    NDXP_URL: e.ndxpUrl,
    NDXP_CLIENT_ID: e.clientId,
    NDXP_CLIENT_SECRET: e.clientSecret,
    SIGNING_KEY_FILE: e.signingKeyFile,
    SIGNING_KEY_PASSPHRASE: e.signingKeyPassphrase,
    TRUST_ANCHORS_FILE: e.trustAnchorsFile,
    SENDER_CODE: e.senderCode,
    DATA_DIR: e.dataDir,
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
    ...extra,
  };
}

/** `node [nodeArgs] --import usage-preload.mjs [args]`, to completion. */
export function runGatewayChild(args: string[], env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Promise<ChildRun> {
  const dir = mkdtempSync(join(tmpdir(), 'csdl-bench-usage-'));
  const usageFile = join(dir, 'usage.json');
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, '--import', PRELOAD, ...args], {
    env: { ...env, BENCH_USAGE_FILE: usageFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode) => {
      const wallMs = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      const usage = existsSync(usageFile) ? (JSON.parse(readFileSync(usageFile, 'utf8')) as ChildUsage) : undefined;
      rmSync(dir, { recursive: true, force: true });
      resolve({ exitCode, wallMs, stdout, stderr, usage, parentCpuMs: (cpu.user + cpu.system) / 1000 });
    });
  });
}

/** What `sync --json` prints last; the merged fields only under a sources file. */
export interface SyncSummary { due: number; queued: number; invalid: number; unchanged?: number; accepted: number; conflicts?: number; held?: number; sourcesFailed?: unknown[] }

/** The summary of a sync child that exited 0, or the tail of its stderr as the error. */
export function summaryOf(run: ChildRun): SyncSummary {
  if (run.exitCode !== 0) throw new Error(`gateway sync exited ${run.exitCode}: ${run.stderr.trim().split('\n').slice(-10).join('\n')}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as SyncSummary;
}

/** Accepted versions in the store, and how many distinct people (source, vendor id) they are. */
export async function storeAccepted(url: string): Promise<{ versions: number; persons: number }> {
  const db = createDb(url, { max: 1 });
  try {
    const res = await db.query<{ versions: number; persons: number }>(
      `SELECT count(*)::int AS versions, count(DISTINCT (source, vendor_id))::int AS persons FROM csdl_gateway.record_versions WHERE status = 'accepted'`,
    );
    return res.rows[0]!;
  } finally {
    await db.close();
  }
}
