import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { paths } from '../../src/paths.js';
import { assertCliBuilt, CLI } from '../setup/cli-process.js';
import { readmeShellBlocks, type ReadmeBlock } from './readme-blocks.js';

/**
 * Every ```sh block of the README runs as written on the embedded default, in order, in a
 * fresh working folder (its ./data is the gateway's DATA_DIR; certs/ is the project's), with
 * `csdl-gateway` on PATH as the built CLI. One liberty: the README's port 8080 is a free port
 * here, since other gateways may hold 8080 on a shared machine. Blocks marked `stopped` run
 * with the gateway stopped, the others with it running; skipped ones say why in the README.
 * Needs `npm run build`, jq, curl and openssl.
 */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('README: every sh block runs as written on the embedded default', function () {
  this.timeout(900_000);
  let work: string;
  let port: number;
  let env: Record<string, string>;
  let gateway: { child: ChildProcess; output: () => string; exit: Promise<number | null> } | undefined;

  async function start(waitFor: RegExp): Promise<void> {
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
  }

  async function stop(): Promise<void> {
    if (!gateway) return;
    gateway.child.kill('SIGTERM');
    const code = await gateway.exit;
    expect(code, gateway.output()).to.equal(0);
    gateway = undefined;
  }

  before(async function () {
    assertCliBuilt();
    work = mkdtempSync(join(tmpdir(), 'csdl-readme-'));
    symlinkSync(join(paths.root, 'certs'), join(work, 'certs'));
    const bin = join(work, '.bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'csdl-gateway'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
    chmodSync(join(bin, 'csdl-gateway'), 0o755);
    port = await freePort();
    env = { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: work, PORT: String(port), LOG_FORMAT: 'json' };
  });
  after(async function () {
    if (gateway) gateway.child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  it('marks every block it does not run with a reason', function () {
    const blocks = readmeShellBlocks();
    expect(blocks.length).to.be.greaterThan(8);
    for (const b of blocks.filter((x) => x.mode === 'skip')) expect(b.reason, `README.md:${b.line}`).to.be.a('string').with.length.greaterThan(10);
  });

  it('runs the blocks in order, the gateway started and stopped as each needs', async function () {
    // The first start: the first sync's summary line says the demo data went out.
    await start(/"sync: due/);
    const ran: string[] = [];
    for (const block of readmeShellBlocks()) {
      if (block.mode === 'skip') continue;
      if (block.mode === 'stopped') await stop();
      else if (!gateway) await start(/csdl-gateway is running/);
      const script = block.script.replace(/localhost:8080/g, `localhost:${port}`);
      const run = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd: work, env, encoding: 'utf8', timeout: 300_000 });
      expect(run.status, `README.md:${block.line} (${block.mode}) exited ${run.status}\n${script}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`).to.equal(0);
      ran.push(`README.md:${block.line}`);
    }
    await stop();
    expect(ran.length).to.be.greaterThan(6);
  });
});

export type { ReadmeBlock };
