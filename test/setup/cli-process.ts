import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { paths } from '../../src/paths.js';

/**
 * The CLI as a user runs it: the built `node dist/cli/index.js` in a child process, with an
 * environment holding only what the test gives (nothing leaks in from the test runner's).
 * `npm test` builds before mocha; run `npm run build` first when running a file alone.
 */
export const CLI = join(paths.root, 'dist', 'cli', 'index.js');

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function assertCliBuilt(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
}

/** Starts the CLI; `exit` settles when the process has closed, with everything it printed. */
export function startCli(args: string[], env: Record<string, string> = {}): { child: ChildProcess; exit: Promise<CliExit> } {
  const child = spawn(process.execPath, [CLI, ...args], {
    cwd: paths.root,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const exit = new Promise<CliExit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, exit };
}
