import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSimulatorCommand } from '../../src/cli/commands/simulator-command.js';
import type { CliIo } from '../../src/cli/command.js';
import { createCmsSigner } from '../../src/signing/cms-signer.js';
import { DEV_CLIENT } from '../../src/simulator/dev-simulator.js';
import { Writable } from 'node:stream';
import { startGateway } from '../../src/app/gateway.js';
import { demoProvinceStep } from '../../src/app/demo-province-step.js';
import { signingStep } from '../../src/app/signing-step.js';
import { syncStep } from '../../src/app/sync-step.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/log/logger.js';
import { basic, devPki, envelope, packet, PASSPHRASE, PROVINCE, readyClient, record } from './simulator-harness.js';

function capture(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, isTty: false, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

describe('cli: csdl-gateway simulator', function () {
  this.timeout(60_000);

  it('runs on the dev PKI with its own persisted store, prints URL and credentials, and serves tokens', async function () {
    const pki = await devPki();
    const dataDir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
    const argv = ['--port', '0', '--data-dir', dataDir, '--dev-pki', pki.dir, '--passphrase', PASSPHRASE, '--sender', PROVINCE];
    const urlOf = (io: CliIo & { lines: string[] }) => /listening on (http:\/\/\S+)/.exec(io.lines.join('\n'))?.[1] ?? '';
    const io = capture();
    const p = packet([record(1)]);
    let token: number | undefined;
    let pushed: number | undefined;
    try {
      const code = await runSimulatorCommand(argv, io, async () => {
        const res = await fetch(`${urlOf(io)}/oauth2/token`, {
          method: 'POST',
          headers: { authorization: basic(DEV_CLIENT.clientId, DEV_CLIENT.clientSecret) },
          body: new URLSearchParams({ grant_type: 'client_credentials' }),
        });
        token = res.status;
        const client = await readyClient(urlOf(io), PROVINCE, DEV_CLIENT);
        pushed = (await client.push(envelope(p, createCmsSigner(pki.province)))).status;
      });
      expect(code).to.equal(0);
      expect(token).to.equal(200);
      expect(pushed).to.equal(202);
      expect(io.lines.join('\n')).to.include(`client secret:  ${DEV_CLIENT.clientSecret}`).and.include(`consumer code:  ${PROVINCE}`);

      // Persisted: a second run over the same --data-dir still knows the packet.
      const again = capture();
      let receipt: { status: number; packetId?: unknown } | undefined;
      expect(await runSimulatorCommand(argv, again, async () => {
        const r = await (await readyClient(urlOf(again), PROVINCE, DEV_CLIENT)).receipt(p.header.packetId);
        receipt = { status: r.status, packetId: r.body?.packetId };
      })).to.equal(0);
      expect(receipt).to.deep.equal({ status: 200, packetId: p.header.packetId });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('prints a complete environment block: a second gateway configured from it alone signs, sends and is accepted', async function () {
    this.timeout(240_000);
    const pki = await devPki();
    const dir = mkdtempSync(join(tmpdir(), 'sim-env-'));
    const io = capture();
    let accepted = 0;
    let syncSummary = '';
    try {
      const code = await runSimulatorCommand(['--port', '0', '--dev-pki', pki.dir, '--passphrase', PASSPHRASE, '--sender', PROVINCE], io, async () => {
        // What a user pastes: only the printed `export` lines, unquoted as a shell would.
        const env: Record<string, string> = {};
        for (const line of io.lines) {
          const m = /^export (\w+)=(.*)$/.exec(line);
          if (m) env[m[1] as string] = (m[2] as string).replace(/^'(.*)'$/, '$1').replace(/'\\''/g, "'");
        }
        expect(Object.keys(env)).to.include.members(['NDXP_URL', 'NDXP_CLIENT_ID', 'NDXP_CLIENT_SECRET', 'SIGNING_KEY_FILE', 'SIGNING_KEY_PASSPHRASE', 'TRUST_ANCHORS_FILE']);
        const lines: string[] = [];
        const logger = createLogger({ format: 'json', level: 'info', stream: new Writable({ write: (c: Buffer, _e, done) => { lines.push(c.toString('utf8')); done(); } }) });
        const gateway = await startGateway(loadConfig({ ...env, DATA_DIR: dir, PORT: '0', DEMO_PEOPLE: '10' }), logger, [signingStep, demoProvinceStep, syncStep]);
        await gateway.stop(); // waits for the first sync
        syncSummary = lines.find((l) => l.includes('"sync finished"')) ?? '';
        const ledger = (await (await fetch(`${env.NDXP_URL}/_sim/ledger`)).json()) as { results: { accepted: number } };
        accepted = ledger.results.accepted;
      });
      expect(code).to.equal(0);
      expect(syncSummary, 'the second gateway ran its first sync').to.include('"packetsSent":1');
      expect(accepted).to.be.greaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start without --port', async function () {
    const io = capture();
    expect(await runSimulatorCommand([], io)).to.equal(2);
    expect(io.errors[0]).to.match(/--port/);
  });
});
