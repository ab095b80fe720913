import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request, Agent } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startGateway } from '../../src/app/gateway.js';
import { loadConfig } from '../../src/config/config.js';
import { GatewayError } from '../../src/errors.js';
import { silentLogger } from '../../src/log/logger.js';
import { paths } from '../../src/paths.js';

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
}

/** test/app/support/serve-gateway.ts in its own process (tsx), answering once it listens. */
async function gatewayProcess(env: Record<string, string>): Promise<{ child: ChildProcess; port: number; exit: Promise<Exit> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(paths.root, 'test/app/support/serve-gateway.ts')], {
    cwd: paths.root,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  const exit = new Promise<Exit>((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout })));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const match = /^listening (\d+)$/m.exec(stdout);
      if (match) resolve(Number(match[1]));
    });
    void exit.then((e) => reject(new Error(`gateway exited before listening: ${JSON.stringify(e)}`)));
  });
  return { child, port, exit };
}

function get(port: number, path: string, agent: Agent): Promise<{ status: number; body: string; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, socket: req.socket as Socket }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('app: SIGTERM with keep-alive connections (a real process)', function () {
  // A fresh embedded store per process: migrations on PGlite take a minute on a loaded machine.
  this.timeout(300_000);
  let dir: string;
  before(function () {
    dir = mkdtempSync(join(tmpdir(), 'csdl-shutdown-'));
  });
  after(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it('finishes the request in flight, closes the idle keep-alive connection, refuses new ones and exits 0', async function () {
    const gw = await gatewayProcess({ DATA_DIR: join(dir, 'drain'), PORT: '0', SHUTDOWN_TIMEOUT_MS: '60000' });
    const idleAgent = new Agent({ keepAlive: true, maxSockets: 1 });
    const busyAgent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // A connection left idle after one answer: before, it held the process open for ever.
      const first = await get(gw.port, '/healthz', idleAgent);
      expect(first.status).to.equal(200);
      const idleClosed = new Promise<void>((resolve) => first.socket.once('close', () => resolve()));
      const inFlight = get(gw.port, '/test/slow?ms=1500', busyAgent);
      await new Promise((r) => setTimeout(r, 300));
      gw.child.kill('SIGTERM');
      const slow = await inFlight;
      expect(slow.status).to.equal(200);
      // Draining: the listening socket is closed, a new connection is refused.
      const fresh = new Agent({ keepAlive: false });
      const refused = await get(gw.port, '/healthz', fresh).then(() => 'answered', (err: NodeJS.ErrnoException) => err.code);
      expect(refused).to.equal('ECONNREFUSED');
      expect(JSON.parse(slow.body)).to.deep.equal({ done: true });
      await idleClosed;
      const exit = await gw.exit;
      expect(exit.code).to.equal(0);
      expect(exit.stdout).to.match(/"message":"stopped"/);
      expect(exit.stdout).not.to.match(/were cut/);
    } finally {
      idleAgent.destroy();
      busyAgent.destroy();
      gw.child.kill('SIGKILL');
    }
  });

  it('cuts a request that outlives SHUTDOWN_TIMEOUT_MS and still exits', async function () {
    const gw = await gatewayProcess({ DATA_DIR: join(dir, 'cut'), PORT: '0', SHUTDOWN_TIMEOUT_MS: '200' });
    const agent = new Agent({ keepAlive: true });
    try {
      const stuck = get(gw.port, '/test/slow?ms=600000', agent).then(() => 'answered', () => 'cut');
      await new Promise((r) => setTimeout(r, 300));
      gw.child.kill('SIGTERM');
      expect(await stuck).to.equal('cut');
      const exit = await gw.exit;
      expect(exit.code).to.equal(0);
      expect(exit.stdout).to.match(/were cut/);
    } finally {
      agent.destroy();
      gw.child.kill('SIGKILL');
    }
  });
});

describe('app: a taken port', function () {
  this.timeout(60_000);
  let blocker: Server;
  let port: number;
  let dir: string;
  before(async function () {
    dir = mkdtempSync(join(tmpdir(), 'csdl-port-'));
    blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    port = (blocker.address() as { port: number }).port;
  });
  after(async function () {
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('is said before any database opens, naming the port and how to change it', async function () {
    let failure: unknown;
    await startGateway(loadConfig({ DATA_DIR: dir, PORT: String(port) }), silentLogger()).catch((err: unknown) => (failure = err));
    expect(failure).to.be.instanceOf(GatewayError);
    expect((failure as GatewayError).code).to.equal('app.port_in_use');
    expect((failure as GatewayError).message).to.include(`port ${port} on 127.0.0.1`).and.include('PORT=');
    // Nothing was opened: no store folder, no pid file.
    expect(existsSync(join(dir, 'store'))).to.equal(false);
  });
});
