import { readFile } from 'node:fs/promises';
import type { Db } from '../db/db.js';
import { createCmsSigner } from '../signing/cms-signer.js';
import { ensureDevPki, type DevPkiFiles } from '../signing/dev-pki.js';
import { loadIdentity } from '../signing/key-store.js';
import type { FaultSwitches } from './fault-switches.js';
import { startSimulator, type RunningSimulator } from './simulator-server.js';

/**
 * The simulator as operators rehearse with it and as the embedded default starts it: one
 * client (the province's gateway) whose signatures chain to the development PKI, and the
 * Ministry identity of that PKI signing pulled records. The PKI is created when absent
 * (helper A's ensureDevPki), so the gateway and the simulator trust the same CA.
 */
export const DEV_CLIENT = { clientId: 'csdl-gateway-dev', clientSecret: 'dev-only-client-secret' } as const;

export interface DevSimulatorOptions {
  pkiDir: string;
  passphrase: string;
  /** The province's agency code (SENDER_CODE). */
  senderCode: string;
  port?: number;
  host?: string;
  db?: Db;
  dataDir?: string;
  clientId?: string;
  clientSecret?: string;
  faults?: FaultSwitches;
  onError?: (what: string, err: unknown) => void;
}

export interface DevSimulator extends RunningSimulator {
  client: { clientId: string; clientSecret: string; consumerCode: string };
  pki: DevPkiFiles;
}

export async function startDevSimulator(options: DevSimulatorOptions): Promise<DevSimulator> {
  const pki = await ensureDevPki(options.pkiDir, { senderCode: options.senderCode, passphrase: options.passphrase });
  const ministry = await loadIdentity({ kind: 'pkcs12', file: pki.ministry.p12, passphrase: options.passphrase });
  const client = {
    clientId: options.clientId ?? DEV_CLIENT.clientId,
    clientSecret: options.clientSecret ?? DEV_CLIENT.clientSecret,
    consumerCode: options.senderCode,
  };
  const running = await startSimulator({
    clients: [{ ...client, trustAnchorsPem: await readFile(pki.trustAnchors, 'utf8') }],
    ministrySigner: createCmsSigner(ministry),
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.host === undefined ? {} : { host: options.host }),
    ...(options.db === undefined ? {} : { db: options.db }),
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.faults === undefined ? {} : { faults: options.faults }),
    ...(options.onError === undefined ? {} : { onError: options.onError }),
  });
  return { ...running, client, pki };
}
