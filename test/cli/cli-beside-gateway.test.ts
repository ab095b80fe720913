import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { assertCliBuilt, startCli, type CliExit } from '../setup/cli-process.js';

/**
 * The CLI while the embedded gateway runs: a real `csdl-gateway start` process holds the
 * embedded store; `tx` and `tokens` in other processes work on it through the
 * gateway's own wire server (the folder's wire.json), reads and writes alike; an action that
 * needs the sync lock says what to do instead. Then the gateway stops and the CLI opens the
 * folder itself again.
 */
describe('cli: tx and tokens beside a running embedded gateway', function () {
  this.timeout(300_000);
  let dataDir: string;
  let gateway: { child: ChildProcess; exit: Promise<CliExit> } | undefined;
  let env: Record<string, string>;
  let printed = '';

  before(async function () {
    assertCliBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'csdl-beside-'));
    env = { DATA_DIR: dataDir, PORT: '0', DEMO_PEOPLE: '20', SYNC_CRON: '0 0 1 1 *', LOG_LEVEL: 'warn' };
    gateway = startCli(['start'], env);
    gateway.child.stdout?.on('data', (c: Buffer) => (printed += c.toString('utf8')));
    // Ready once the banner is out and the start-up sync has finished (its run is on record).
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (/csdl-gateway is running/.test(printed)) {
          clearInterval(timer);
          resolve();
        }
      }, 250);
      void gateway!.exit.then((e) => {
        clearInterval(timer);
        reject(new Error(`the gateway ended: ${e.code} ${e.stderr}`));
      });
    });
    for (let i = 0; i < 120; i += 1) {
      const run = await startCli(['tx', 'summary', '--json'], env).exit;
      if (run.code === 0 && JSON.parse(run.stdout).lastSync) return;
      await new Promise((r) => setTimeout(r, 1000));
    }
    throw new Error('the start-up sync did not finish');
  });
  after(async function () {
    if (gateway?.child.exitCode === null) {
      gateway.child.kill('SIGTERM');
      await gateway.exit;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('tx summary and tx records read the running gateway\'s store', async function () {
    const summary = await startCli(['tx', 'summary', '--json'], env).exit;
    expect(summary.code, summary.stderr).to.equal(0);
    expect(JSON.parse(summary.stdout).packets.done).to.be.greaterThan(0);
    const records = await startCli(['tx', 'records', '--failing', '--json'], env).exit;
    expect(records.code, records.stderr).to.equal(0);
    expect(JSON.parse(records.stdout)).to.be.an('array');
  });

  it('tokens create and list change and read it; two CLI processes at once', async function () {
    const [created, other] = await Promise.all([
      startCli(['tokens', 'create', '--role', 'auditor', '--name', 'kiem-toan', '--expires-days', '9'], env).exit,
      startCli(['tx', 'summary'], env).exit,
    ]);
    expect(created.code, created.stderr).to.equal(0);
    expect(other.code, other.stderr).to.equal(0);
    const list = await startCli(['tokens', 'list'], env).exit;
    expect(list.stdout).to.match(/kiem-toan +auditor +active/);
    expect(list.stdout).to.match(/first-operator/);
  });

  it('the gateway answers with the token the CLI created while it ran', async function () {
    const token = (await startCli(['tokens', 'create', '--role', 'auditor', '--name', 'doc-thu'], env).exit).stdout.trim().split('\n').at(-1)!;
    const wire = JSON.parse(readFileSync(join(dataDir, 'store', 'wire.json'), 'utf8')) as { pid: number };
    expect(wire.pid).to.equal(gateway!.child.pid);
    const port = gatewayPort();
    const res = await fetch(`http://127.0.0.1:${port}/api/ops/summary`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).to.equal(200);
  });

  it('an action that needs the sync lock says to go through the gateway\'s API, and how', async function () {
    const run = await startCli(['tx', 'settle', '1', '--reason', 'checked'], env).exit;
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain('ops.gateway_running');
    expect(run.stderr).to.contain(join(dataDir, 'operator-token'));
    expect(run.stderr).to.contain('/api/ops/records/ID/settle');
    expect(run.stderr).not.to.match(/\n\s+at /);
  });

  it('once the gateway stops, the CLI opens the folder itself; a stale wire.json is not followed', async function () {
    gateway!.child.kill('SIGTERM');
    await gateway!.exit;
    const run = await startCli(['tokens', 'list'], env).exit;
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/kiem-toan/);
  });

  /** The port the gateway serves HTTP on, from its start-up banner. */
  function gatewayPort(): number {
    return Number(/http:\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(printed)?.[1]);
  }
});
