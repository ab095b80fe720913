import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEV_PKI_DIR, DEV_PKI_PASSPHRASE } from '../../signing/dev-pki.js';
import { loadConfig } from '../../config/config.js';
import { describeError } from '../../errors.js';
import { FaultSwitches } from '../../simulator/fault-switches.js';
import { startDevSimulator, type DevSimulator } from '../../simulator/dev-simulator.js';
import type { CliCommand, CliIo } from '../command.js';

/**
 * `csdl-gateway simulator`: the national side of the contract, standalone, for operators to
 * rehearse against before going live (issue 5, item 8). It keeps its ledger in its own
 * embedded store and trusts the development PKI, which it creates when absent.
 */
const usage = `Usage: csdl-gateway simulator --port P [--data-dir DIR] [--dev-pki DIR] [options]

Runs the national CSDL simulator on loopback until SIGINT or SIGTERM: OAuth2 tokens, push,
receipts and pull of officials exactly as the contract (contract/national/README.md), with its
own ledger and fault switches under /_sim (see README, "The national simulator").

Options:
  --port P                 TCP port (0 picks a free one)
  --host H                 address to listen on (default 127.0.0.1)
  --data-dir DIR           keep the ledger under DIR/simulator (default: in memory)
  --dev-pki DIR            development PKI, created when absent (default certs/dev)
  --passphrase P           passphrase of the development PKI (default: the gateway's dev one)
  --sender CODE            agency code of the dev client (default SENDER_CODE)
  --client-id ID           dev client id (default csdl-gateway-dev)
  --client-secret S        dev client secret
  --processing-delay-ms N  receipts stay "processing" this long (default 0)
  --help                   show this help
Example:
  csdl-gateway simulator --port 9090 --data-dir ./data`;

function waitForSignal(): Promise<void> {
  return new Promise((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
  });
}

/**
 * Everything a second gateway needs to send to this simulator, as lines a shell takes as they
 * are: the national side's URL and credentials, and the development PKI's province key (with
 * its passphrase) and trust anchors, since NDXP_URL refuses to fall back to development keys.
 */
export function gatewayEnvironment(sim: DevSimulator, passphrase: string): string[] {
  const quote = (v: string) => (/^[\w./:@%+=,-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);
  const env: [string, string][] = [
    ['NDXP_URL', sim.url],
    ['NDXP_CLIENT_ID', sim.client.clientId],
    ['NDXP_CLIENT_SECRET', sim.client.clientSecret],
    ['SENDER_CODE', sim.client.consumerCode],
    ['SIGNING_KEY_FILE', sim.pki.province.p12],
    ['SIGNING_KEY_PASSPHRASE', passphrase],
    ['TRUST_ANCHORS_FILE', sim.pki.trustAnchors],
  ];
  return env.map(([key, value]) => `export ${key}=${quote(value)}`);
}

function printStart(io: CliIo, sim: DevSimulator, passphrase: string): void {
  io.out(`national simulator listening on ${sim.url}`);
  io.out(`  client id:      ${sim.client.clientId}`);
  io.out(`  client secret:  ${sim.client.clientSecret}`);
  io.out(`  consumer code:  ${sim.client.consumerCode}`);
  io.out(`  trust anchors:  ${sim.pki.trustAnchors} (also verifies the Ministry's signature on pulled records)`);
  io.out(`  faults, ledger: ${sim.url}/_sim/faults, ${sim.url}/_sim/ledger`);
  io.out('point a gateway at it: paste these lines into its shell, then csdl-gateway start (development keys only):');
  for (const line of gatewayEnvironment(sim, passphrase)) io.out(line);
}

/** The command's body; `until` resolves when it should stop (a signal, or a test). */
export async function runSimulatorCommand(argv: string[], io: CliIo, until: () => Promise<void> = waitForSignal): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'data-dir': { type: 'string' },
      'dev-pki': { type: 'string' },
      passphrase: { type: 'string' },
      sender: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'processing-delay-ms': { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (values.port === undefined || !Number.isInteger(port) || port < 0 || port > 65535) {
    io.err('--port P is required: a TCP port from 0 to 65535');
    return 2;
  }
  const delay = Number(values['processing-delay-ms'] ?? 0);
  if (!Number.isInteger(delay) || delay < 0) {
    io.err('--processing-delay-ms must be a whole number of milliseconds');
    return 2;
  }
  let sim: DevSimulator;
  const passphrase = values.passphrase ?? DEV_PKI_PASSPHRASE;
  try {
    sim = await startDevSimulator({
      port,
      pkiDir: values['dev-pki'] ? resolve(values['dev-pki']) : DEV_PKI_DIR,
      passphrase,
      senderCode: values.sender ?? loadConfig().senderCode,
      faults: new FaultSwitches({ processingDelayMs: delay }),
      onError: (what, err) => io.err(`simulator: ${what}: ${describeError(err)}`),
      ...(values.host === undefined ? {} : { host: values.host }),
      ...(values['data-dir'] === undefined ? {} : { dataDir: resolve(values['data-dir']) }),
      ...(values['client-id'] === undefined ? {} : { clientId: values['client-id'] }),
      ...(values['client-secret'] === undefined ? {} : { clientSecret: values['client-secret'] }),
    });
  } catch (err) {
    io.err(`cannot start the national simulator: ${describeError(err)}`);
    return 1;
  }
  printStart(io, sim, passphrase);
  await until();
  await sim.stop();
  io.out('national simulator stopped');
  return 0;
}

export const simulatorCommand: CliCommand = {
  name: 'simulator',
  summary: 'Run the national CSDL simulator (contract v1) standalone, for rehearsals and tests',
  usage,
  run: (argv, io) => runSimulatorCommand(argv, io),
};
