import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { paths } from '../../src/paths.js';
import { assertCliBuilt, CLI } from '../setup/cli-process.js';

/**
 * A newcomer's machine, for the README test and the newcomer's path: a fresh working folder
 * (its ./data is the gateway's DATA_DIR on the embedded default; certs/ is the project's),
 * `csdl-gateway` on PATH as the built CLI, a free port instead of 8080 (other gateways may
 * hold it on a shared machine), the gateway started and stopped as a real process, and shell
 * lines run with bash as a user types them. Needs `npm run build`.
 */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ShellRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface GatewayWorkspace {
  work: string;
  port: number;
  env: Record<string, string>;
  /** Starts `csdl-gateway start` and resolves once its output matches `waitFor`. */
  start(waitFor: RegExp): Promise<void>;
  /** SIGTERM, and the gateway must exit 0. */
  stop(): Promise<void>;
  running(): boolean;
  /** What the running gateway printed so far. */
  output(): string;
  /** A script run by `bash -e -o pipefail` in the working folder, the README's port swapped for the free one. */
  sh(script: string, timeoutMs?: number): ShellRun;
  close(): void;
}

export async function openGatewayWorkspace(prefix = 'csdl-readme-'): Promise<GatewayWorkspace> {
  assertCliBuilt();
  const work = mkdtempSync(join(tmpdir(), prefix));
  symlinkSync(join(paths.root, 'certs'), join(work, 'certs'));
  const bin = join(work, '.bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'csdl-gateway'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(join(bin, 'csdl-gateway'), 0o755);
  const port = await freePort();
  const env = { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: work, PORT: String(port), LOG_FORMAT: 'json' };
  let gateway: { child: ChildProcess; output: () => string; exit: Promise<number | null> } | undefined;

  return {
    work, port, env,
    async start(waitFor) {
      const child = spawn(process.execPath, [CLI, 'start'], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout?.on('data', (c: Buffer) => (output += c.toString('utf8')));
      child.stderr?.on('data', (c: Buffer) => (output += c.toString('utf8')));
      const exit = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
      gateway = { child, output: () => output, exit };
      await new Promise<void>((resolve, reject) => {
        const poll = setInterval(() => {
          if (waitFor.test(output)) {
            clearInterval(poll);
            resolve();
          }
        }, 200);
        void exit.then((code) => {
          clearInterval(poll);
          reject(new Error(`the gateway exited (${code}) before ${waitFor}:\n${output}`));
        });
      });
    },
    async stop() {
      if (!gateway) return;
      gateway.child.kill('SIGTERM');
      const code = await gateway.exit;
      expect(code, gateway.output()).to.equal(0);
      gateway = undefined;
    },
    running: () => gateway !== undefined,
    output: () => gateway?.output() ?? '',
    sh(script, timeoutMs = 300_000) {
      const run = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', script.replace(/localhost:8080/g, `localhost:${port}`)], {
        cwd: work, env, encoding: 'utf8', timeout: timeoutMs,
      });
      return { status: run.status, stdout: run.stdout, stderr: run.stderr };
    },
    close() {
      if (gateway) gateway.child.kill('SIGKILL');
      rmSync(work, { recursive: true, force: true });
    },
  };
}
