import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../test/setup/postgres-server.js';
import { BENCH_PASSPHRASE, type BenchWorld } from './bench-world.js';
import { runGatewayChild, type ChildRun } from './gateway-child.js';

/**
 * The reference processes of ../shared/bench, started as the benches start them: the sink (a
 * national side that accepts everything), the first-sync floor and the no-change floor, each a
 * child process of its own, timed from spawn to exit like the gateway's runs.
 */
export interface Sink {
  url: string;
  stats(): Promise<{ packets: number; records: number }>;
  stop(): void;
}

/** Resolves once `child` printed its first line on stdout (its "listening" line), with that line. */
export function firstLine(child: ChildProcess, what: string): Promise<string> {
  return new Promise<string>((ok, fail) => {
    let buffered = '';
    child.once('error', fail);
    child.once('exit', (code) => fail(new Error(`${what} exited with ${code} before it was ready`)));
    child.stdout!.setEncoding('utf8');
    const onData = (d: string): void => {
      buffered += d;
      const nl = buffered.indexOf('\n');
      if (nl < 0) return;
      child.stdout!.off('data', onData);
      child.removeAllListeners('exit');
      child.removeAllListeners('error');
      ok(buffered.slice(0, nl));
    };
    child.stdout!.on('data', onData);
  });
}

export async function startSink(shared: string): Promise<Sink> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [join(shared, 'sink.mjs'), '--port', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await firstLine(child, 'sink');
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    async stats() {
      return (await (await fetch(`${url}/_sink/stats`)).json()) as { packets: number; records: number };
    },
    stop: () => void child.kill(),
  };
}

/** The province key as PEM, for the floor (which signs with node:crypto natively). */
export function provinceKeyPem(world: BenchWorld): string {
  const out = join(world.tempDir, 'province-key.pem');
  const res = spawnSync('openssl', ['pkcs12', '-in', world.pki.province.p12, '-nocerts', '-noenc', '-passin', `pass:${BENCH_PASSPHRASE}`, '-out', out], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`openssl pkcs12 failed: ${res.stderr}`);
  return out;
}

export type FloorRun = ChildRun & { report: { people: number; ms: number } };

/** floor.mjs over the provincial database at `sourceUrl`, posting to the sink. */
export async function runFloor(shared: string, sourceUrl: string, key: string, sink: Sink): Promise<FloorRun> {
  const run = await runGatewayChild([join(shared, 'floor.mjs'), '--db', sourceUrl, '--key', key, '--url', sink.url], process.env);
  if (run.exitCode !== 0) throw new Error(`floor failed: ${run.stderr}`);
  return { ...run, report: JSON.parse(run.stdout.trim().split('\n').pop()!) as { people: number; ms: number } };
}

export type NoChangeFloorRun = ChildRun & { report?: { people: number; due: number; ms: number } };

/** nochange-floor.mjs: its first run seeds its table in the store (no report), later ones compare. */
export async function runNoChangeFloor(shared: string, sourceUrl: string, storeUrl: string): Promise<NoChangeFloorRun> {
  const run = await runGatewayChild([join(shared, 'nochange-floor.mjs'), '--db', sourceUrl, '--store', storeUrl], process.env);
  if (run.exitCode !== 0) throw new Error(`no-change floor failed: ${run.stderr}`);
  const last = run.stdout.trim().split('\n').pop()!;
  return last === 'seeded' ? run : { ...run, report: JSON.parse(last) as { people: number; due: number; ms: number } };
}
