import { existsSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import type { CommandRuntime } from './command.js';

/**
 * Where a command with a runtime of its own loads its modules from: built, the bundle the build
 * makes of them (dist/bundle, scripts/build-if-changed.mjs), which loads about 50 ms sooner than
 * the ~110 files it is made of; else (under tsx, or dist/ compiled by tsc alone) the modules
 * beside this one.
 */
export function bundledCliFrom(here: string = import.meta.url): string {
  const bundled = new URL('../bundle/bundled-cli.js', here);
  return here.endsWith('.js') && existsSync(bundled) ? bundled.href : new URL(`./bundled-cli${here.endsWith('.ts') ? '.ts' : '.js'}`, here).href;
}

/** The globals Node 20 defines for fetch (what --no-experimental-fetch leaves out). */
const FETCH_GLOBALS = ['fetch', 'FormData', 'Headers', 'Request', 'Response'] as const;

/**
 * Sets the process up as `runtime` says, before the command's modules load: V8's flags (read
 * by V8 at each GC, so they hold for this thread's heap, already made, and for the threads the
 * command starts), and, for a command that never uses fetch, Node's fetch globals removed as
 * --no-experimental-fetch would leave them out. Process-wide: for the command line's own run
 * only, never inside the server.
 */
export function applyRuntime(runtime: CommandRuntime): void {
  for (const flag of runtime.v8Flags) setFlagsFromString(flag);
  if (runtime.withoutFetch) for (const name of FETCH_GLOBALS) delete (globalThis as Record<string, unknown>)[name];
}

/** Runs the command line `argv` on this thread, set up by `runtime` first; resolves with its exit status. */
export async function runWithRuntime(argv: string[], runtime: CommandRuntime): Promise<number> {
  applyRuntime(runtime);
  const { runBundledCli } = (await import(bundledCliFrom())) as typeof import('./bundled-cli.js');
  return runBundledCli(argv);
}
