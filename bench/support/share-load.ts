import { fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

/* eslint-disable @typescript-eslint/no-explicit-any -- autocannon's options and result are loosely typed */

/**
 * Sharing load in a process of its own (so the figures are the server's, not the load's):
 * autocannon with the given connections and duration, each request to a random path of a
 * list. The floor and the gateway are loaded by this same code, with the same settings.
 */
export interface LoadSettings {
  connections: number;
  seconds: number;
  headers: Record<string, string>;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  total: number;
  non2xx: number;
  /** The statuses other than 2xx the load saw, with how many of each (a rare refusal is named, not just counted). */
  otherStatuses: Record<string, number>;
  errors: number;
  timeouts: number;
}

const SELF = fileURLToPath(import.meta.url);

/** Runs the load against `base` + a random one of `paths`, from a forked child; `pathsFile` is written for it. */
export function runShareLoad(base: string, paths: string[], pathsFile: string, settings: LoadSettings): Promise<LoadResult> {
  writeFileSync(pathsFile, JSON.stringify(paths));
  const child = fork(SELF, ['--share-load', JSON.stringify({ base, pathsFile, ...settings })], { execArgv: process.execArgv });
  return new Promise<LoadResult>((resolve, reject) => {
    child.once('message', (m) => resolve(m as LoadResult));
    child.once('error', reject);
    child.once('exit', (code) => (code ? reject(new Error(`load generator exited with ${code}`)) : undefined));
  });
}

async function generate(spec: { base: string; pathsFile: string } & LoadSettings): Promise<void> {
  const paths = JSON.parse(readFileSync(spec.pathsFile, 'utf8')) as string[];
  const result = await autocannon({
    url: spec.base, connections: spec.connections, duration: spec.seconds, headers: spec.headers,
    requests: [{ setupRequest: (req: any) => ({ ...req, path: paths[Math.floor(Math.random() * paths.length)] }) }],
  } as any);
  const out: LoadResult = {
    rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max,
    total: result.requests.total, non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts,
    otherStatuses: Object.fromEntries(Object.entries((result.statusCodeStats ?? {}) as Record<string, { count: number }>)
      .filter(([status]) => !status.startsWith('2')).map(([status, { count }]) => [status, count])),
  };
  process.send!(out, () => process.exit(0));
}

const at = process.argv.indexOf('--share-load');
if (at >= 0) await generate(JSON.parse(process.argv[at + 1]!) as { base: string; pathsFile: string } & LoadSettings);
