import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * The tools no one on this project wrote, run as an operator would run them: promtool (from
 * Debian's `prometheus` package, which .ci/run installs) and the npm-installed ones.
 */
export interface ToolRun {
  status: number | null;
  output: string;
}

export function run(command: string, args: string[], options: { input?: string; cwd?: string; env?: Record<string, string> } = {}): ToolRun {
  const res = spawnSync(command, args, {
    encoding: 'utf8', input: options.input, cwd: options.cwd, timeout: 120_000, env: { ...process.env, ...options.env },
  });
  if (res.error) throw res.error;
  return { status: res.status, output: `${res.stdout}${res.stderr}`.trim() };
}

/** promtool's path, or undefined when it is not installed (the tests that need it say so and skip). */
export function promtool(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const file = join(dir, 'promtool');
    if (dir && existsSync(file)) return file;
  }
  return undefined;
}

export const NO_PROMTOOL = 'promtool is not installed (Debian: apt-get install prometheus; .ci/run installs it)';

/** A local CLI of node_modules/.bin, run with this Node. */
export function npmBin(root: string, name: string): string {
  return join(root, 'node_modules', '.bin', name);
}
