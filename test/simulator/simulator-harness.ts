import { createPrivateKey, randomUUID, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../src/db/db.js';
import { encodePayload } from '../../src/encoding/payload-codec.js';
import { buildEnvelope, createCmsSigner, type CmsSigner, type Envelope } from '../../src/signing/cms-signer.js';
import { ensureDevPki } from '../../src/signing/dev-pki.js';
import { identityFromPkcs12, type SigningIdentity } from '../../src/signing/signing-identity.js';
import { startSimulator, type RunningSimulator, type StartSimulatorOptions } from '../../src/simulator/simulator-server.js';
import { examplePacket } from '../contract/contract-examples.js';
import { freshDatabase, type TestDatabase } from '../setup/databases.js';

/**
 * A simulator on 127.0.0.1 port 0 over a fresh ledger, with real signatures from a
 * development PKI made once per run in a temp dir, and a small fetch-based client that
 * speaks the contract. Test data is known JSON, hence `any` in the arrange steps.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export const PROVINCE = '000.00.00.H62';
export const OTHER_PROVINCE = '000.00.00.H26';
export const CLIENT = { clientId: 'h62-gateway', clientSecret: 'h62-secret' };
export const OTHER_CLIENT = { clientId: 'h26-gateway', clientSecret: 'h26-secret' };

export interface Pki {
  dir: string;
  trustAnchorsPem: string;
  province: SigningIdentity;
  ministry: SigningIdentity;
  caCertPem: string;
  /** The dev CA itself, to issue other provinces' signing certificates in tests. */
  caCert: X509Certificate;
  caKey: KeyObject;
}

let pki: Promise<Pki> | undefined;
export const PASSPHRASE = 'test-passphrase';

/** One dev PKI per test run (RSA-3072 keys take a while); removed at process exit. */
export function devPki(): Promise<Pki> {
  pki ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sim-pki-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const files = await ensureDevPki(dir, { senderCode: PROVINCE, passphrase: PASSPHRASE });
    return {
      dir,
      trustAnchorsPem: readFileSync(files.trustAnchors, 'utf8'),
      caCertPem: readFileSync(files.caCert, 'utf8'),
      caCert: new X509Certificate(readFileSync(files.caCert)),
      caKey: createPrivateKey({ key: readFileSync(files.caKey), format: 'pem', passphrase: PASSPHRASE }),
      province: identityFromPkcs12(readFileSync(files.province.p12), PASSPHRASE, 'province.p12'),
      ministry: identityFromPkcs12(readFileSync(files.ministry.p12), PASSPHRASE, 'ministry.p12'),
    };
  })();
  return pki;
}

export interface Harness {
  sim: RunningSimulator;
  /** The ledger's connection (the simulator's own). */
  db: Db;
  database: TestDatabase;
  pki: Pki;
  signer: CmsSigner;
  close(): Promise<void>;
}

export async function startHarness(options: Partial<StartSimulatorOptions> = {}): Promise<Harness> {
  const keys = await devPki();
  const database = await freshDatabase('pglite');
  // The test database's own pool: one connection, as every PGlite client must (embedded-postgres.ts).
  const db = database.db;
  const sim = await startSimulator({
    db,
    clients: [
      { ...CLIENT, consumerCode: PROVINCE, trustAnchorsPem: keys.trustAnchorsPem },
      { ...OTHER_CLIENT, consumerCode: OTHER_PROVINCE, trustAnchorsPem: keys.trustAnchorsPem },
    ],
    ministrySigner: createCmsSigner(keys.ministry),
    ...options,
  });
  return {
    sim,
    database,
    pki: keys,
    signer: createCmsSigner(keys.province),
    db,
    async close() {
      await sim.stop();
      await database.drop();
    },
  };
}

/** A valid record of the contract example under another số định danh (born 1985, female: 0261 85 xxxxxx). */
export function record(serial: number, approvedAt = '2026-05-27T15:12:00+07:00', operation: 'upsert' | 'archive' = 'upsert'): any {
  const rec = structuredClone(examplePacket().records[0]);
  const soDinhDanh = `026185${String(serial).padStart(6, '0')}`;
  rec.soDinhDanh = soDinhDanh;
  rec.data.soDinhDanh = soDinhDanh;
  rec.approvedAt = approvedAt;
  rec.operation = operation;
  if (operation === 'archive') {
    rec.data.tinhTrang = { ma: 'NGHI_HUU', ten: 'Nghỉ hưu' };
    rec.data.ngayNghi = '2026-05-01';
  }
  return rec;
}

export function packet(records: any[], sender = PROVINCE): any {
  const p = examplePacket();
  p.header.packetId = randomUUID();
  p.header.sender = sender;
  p.header.recordCount = records.length;
  p.records = records;
  return p;
}

export function envelope(value: unknown, signer: Pick<CmsSigner, 'sign'>, format: 'json' | 'xml' = 'json'): Envelope {
  return buildEnvelope(format, encodePayload('packet', format, value), signer);
}

export interface Reply {
  status: number;
  headers: Headers;
  body: any;
}

async function reply(res: Response): Promise<Reply> {
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body };
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

/** The contract's client calls, one HTTP request each. */
export class ContractClient {
  token = '';

  constructor(
    readonly baseUrl: string,
    readonly consumerCode = PROVINCE,
    readonly credentials = CLIENT,
  ) {}

  async fetchToken(): Promise<Reply> {
    const res = await fetch(`${this.baseUrl}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(this.credentials.clientId, this.credentials.clientSecret) },
      body: 'grant_type=client_credentials',
    });
    const r = await reply(res);
    if (r.status === 200) this.token = r.body.access_token;
    return r;
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.token}`, 'x-consumer-code': this.consumerCode, 'x-request-id': randomUUID(), ...extra };
  }

  async push(body: unknown, extra: Record<string, string> = {}): Promise<Reply> {
    const res = await fetch(`${this.baseUrl}/csdl/v1/packets`, {
      method: 'POST',
      headers: this.headers({ 'content-type': 'application/json', ...extra }),
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return reply(res);
  }

  async receipt(packetId: string): Promise<Reply> {
    return reply(await fetch(`${this.baseUrl}/csdl/v1/packets/${packetId}`, { headers: this.headers() }));
  }

  async pull(soDinhDanh: string, extra: Record<string, string> = {}): Promise<Reply> {
    const headers = this.headers({ 'x-purpose': 'transfer-in', 'x-receiving-unit': '000.00.14.H62', ...extra });
    return reply(await fetch(`${this.baseUrl}/csdl/v1/officials/${soDinhDanh}`, { headers }));
  }
}

export async function readyClient(baseUrl: string, consumerCode = PROVINCE, credentials = CLIENT): Promise<ContractClient> {
  const client = new ContractClient(baseUrl, consumerCode, credentials);
  const r = await client.fetchToken();
  if (r.status !== 200) throw new Error(`token: ${r.status} ${JSON.stringify(r.body)}`);
  return client;
}

/** Pushes a packet and waits for its receipt to be final (processing drained). */
export async function pushAndSettle(h: Harness, client: ContractClient, value: any): Promise<any> {
  const r = await client.push(envelope(value, h.signer));
  if (r.status !== 202) throw new Error(`push: ${r.status} ${JSON.stringify(r.body)}`);
  await h.sim.simulator.drain();
  const receipt = await client.receipt(value.header.packetId);
  return receipt.body;
}
