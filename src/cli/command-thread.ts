import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { spawnModuleWorker } from '../threads/module-worker.js';
import type { CommandThreadSettings } from './command.js';

/** What a command's thread is told: its command line, and what the process's streams are. */
export interface CommandThreadData {
  argv: string[];
  stdout: StreamShape;
  stderr: StreamShape;
}

/** A worker's stdout and stderr are pipes into the process's own: this says what those are. */
export interface StreamShape {
  isTTY: boolean;
  columns?: number;
}

/**
 * Where the thread's modules are: built, the bundle the build makes of them (dist/bundle,
 * scripts/build-if-changed.mjs), which a thread loads about 50 ms sooner than the ~110 files it
 * is made of; else (under tsx, or dist/ compiled by tsc alone) the modules beside this one.
 */
export function threadModulesFrom(here: string = import.meta.url): string {
  const bundled = new URL('../bundle/command-thread-main.js', here);
  return here.endsWith('.js') && existsSync(bundled) ? bundled.href : here;
}

const shapeOf = (stream: NodeJS.WriteStream): StreamShape =>
  (stream.isTTY ? { isTTY: true, columns: stream.columns } : { isTTY: false });

/**
 * Runs the command line `argv` on a worker thread set up by `settings`, and resolves
 * with its exit status; the process's own thread only waits. A sync's main thread left to V8
 * grew its young generation to 32 MB and its old generation after it: the flag that caps the
 * young generation (--max-semi-space-size) takes effect only on the command line, a thread's
 * resourceLimits at its start. The old generation's growth is a V8 flag of the whole process,
 * set here before the thread (and the mapping threads it starts) make their heaps: left to V8,
 * a sync's thread let ~33 MB live grow to ~100 MB before each full GC
 * (docs/decisions/sync-throughput.md).
 */
export function runInCommandThread(argv: string[], settings: CommandThreadSettings): Promise<number> {
  if (settings.heapGrowingPercent !== undefined) setFlagsFromString(`--heap-growing-percent=${settings.heapGrowingPercent}`);
  const data: CommandThreadData = { argv, stdout: shapeOf(process.stdout), stderr: shapeOf(process.stderr) };
  const worker = spawnModuleWorker(threadModulesFrom(), 'command-thread-main', data, { maxYoungGenerationSizeMb: settings.youngGenerationMb }, settings.execArgv);
  return new Promise((resolve) => {
    let status: number | undefined;
    worker.on('message', (message: { exitCode: number }) => {
      status = message.exitCode;
    });
    // What runCli did not catch (the thread out of memory, say): one line and exit 1, as runCli would.
    worker.once('error', (err) => {
      process.stderr.write(`csdl-gateway ${argv[0] ?? ''}: ${err.message}\n`);
      status = 1;
    });
    worker.once('exit', (code) => resolve(status ?? (code === 0 ? 0 : 1)));
  });
}
