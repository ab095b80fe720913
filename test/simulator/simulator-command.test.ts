import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSimulatorCommand } from '../../src/cli/commands/simulator-command.js';
import type { CliIo } from '../../src/cli/command.js';
import { DEV_CLIENT } from '../../src/simulator/dev-simulator.js';
import { basic, devPki, PASSPHRASE, PROVINCE } from './simulator-harness.js';

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
    const io = capture();
    let token: number | undefined;
    try {
      const code = await runSimulatorCommand(
        ['--port', '0', '--data-dir', dataDir, '--dev-pki', pki.dir, '--passphrase', PASSPHRASE, '--sender', PROVINCE],
        io,
        async () => {
          const url = /listening on (http:\/\/\S+)/.exec(io.lines.join('\n'))?.[1];
          const res = await fetch(`${url}/oauth2/token`, {
            method: 'POST',
            headers: { authorization: basic(DEV_CLIENT.clientId, DEV_CLIENT.clientSecret) },
            body: new URLSearchParams({ grant_type: 'client_credentials' }),
          });
          token = res.status;
        },
      );
      expect(code).to.equal(0);
      expect(token).to.equal(200);
      expect(io.lines.join('\n')).to.include(`client secret:  ${DEV_CLIENT.clientSecret}`).and.include(`consumer code:  ${PROVINCE}`);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start without --port', async function () {
    const io = capture();
    expect(await runSimulatorCommand([], io)).to.equal(2);
    expect(io.errors[0]).to.match(/--port/);
  });
});
