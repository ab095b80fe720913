import { createServer, type RequestListener, type Server } from 'node:http';
import { nationalContract } from '../../src/contract/national-contract.js';
import type { Db } from '../../src/db/db.js';
import { createPayloadCodec } from '../../src/encoding/payload-codec.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { createCmsSigner } from '../../src/signing/cms-signer.js';
import { createClientAdmin } from '../../src/share/client-admin.js';
import type { NewGrant } from '../../src/share/client-store.js';
import { fieldPlan } from '../../src/share/field-filter.js';
import { refreshSharedRecords, type RefreshSummary } from '../../src/share/shared-records-refresh.js';
import { shareRouter } from '../../src/share/share-router.js';
import { createShareAccess } from '../../src/share/share-access.js';
import { shareFastPath, type FastRoute } from '../../src/share/share-fast-path.js';
import { createShareService } from '../../src/share/share-service.js';
import { identityOf, makeLeaf } from '../signing/pki-fixture.js';
import { OTHER_CLIENT, OTHER_PROVINCE, packet, pushAndSettle, readyClient, record } from '../simulator/simulator-harness.js';
import { quietLogger, startSyncWorld, type SyncWorld } from '../sync/sync-harness.js';
import type { Backend } from '../setup/databases.js';
import { MemoryAuditLog } from '../setup/memory-audit-log.js';
import { loadMapping } from '../../src/mapping/mapping-loader.js';

/** Where the qlcb mapping says the unit tree is. */
const qlcbUnits = loadMapping('mappings/qlcb').units;

/* eslint-disable @typescript-eslint/no-explicit-any -- answers are known JSON, read by the tests */
/**
 * The sharing endpoint's world: a real sync of the provincial sample plus generated people
 * against the national simulator, then the refresh, then gateway HTTP apps serving /share
 * over the store (each with its own pool and its own memory audit log, as separate processes
 * would have). Sample facts (contract/provincial/sample.sql): person 1 (026185001234) is held
 * nationally by another province first, so the sync's record is rejected (DUPLICATE_IDENTITY);
 * persons 10 and 11 are not approved and 12 fails pre-validation: none of them is ever accepted.
 */
export const PROVINCE_ROOT = '000.00.00.H62';
export const EDUCATION = '000.00.07.H62';
export const SCHOOL = '000.01.07.H62';
export const HEALTH = '000.00.09.H62';
export const REJECTED_PERSON = '026185001234';
export const NEVER_ACCEPTED = ['008190001111'];

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  body: any;
}

export interface ShareApp {
  url: string;
  audit: MemoryAuditLog;
  /** Requests the fast path answered (share-fast-path.ts); 0 with `expressOnly`. */
  readonly fastTaken: number;
  get(path: string, o?: { token?: string; purpose?: string | null; accept?: string; headers?: Record<string, string> }): Promise<Reply>;
  token(agencyCode: string, secret: string): Promise<Reply>;
  close(): Promise<void>;
}

export interface ShareWorld {
  sync: SyncWorld;
  /** The CA's PEM, for openssl cms -verify of signed answers. */
  caCertPem: string;
  refresh(): Promise<RefreshSummary>;
  startApp(db?: Db, o?: { expressOnly?: boolean }): Promise<ShareApp>;
  /** A client with one grant (defaults: every route, the province root, basic, purpose `kiem-tra`, 1000/s); returns a token. */
  client(agencyCode: string, grant?: Partial<NewGrant>, db?: Db): Promise<{ secret: string; grantId: string }>;
  close(): Promise<void>;
}

async function reply(res: Response): Promise<Reply> {
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, text, body };
}

function listen(handler: RequestListener): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer(handler);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

export function defaultGrant(over: Partial<NewGrant> = {}): NewGrant {
  return {
    routes: ['officials', 'units', 'statistics'], units: [PROVINCE_ROOT], fieldGroups: ['basic'], purposes: ['kiem-tra'],
    expiresAt: new Date(Date.now() + 86_400_000), ratePerSecond: 1000, ...over,
  };
}

/**
 * The gateway's HTTP app with the sharing routes only, over `db`, and the fast path `start`
 * puts before it (share-fast-path.ts), deciding with the same share access.
 */
export function shareHttpApp(db: Db, signer: ReturnType<typeof createCmsSigner>, audit: MemoryAuditLog): { app: ReturnType<typeof createHttpApp>; fast: FastRoute } {
  const service = createShareService({ db, plan: fieldPlan(nationalContract().schemas.official) });
  const access = createShareAccess({ service, audit });
  const app = createHttpApp({ logger: quietLogger(), readiness: [], routers: [shareRouter({ service, audit, signer, access })] });
  return { app, fast: shareFastPath({ access, service, signer }) };
}

/** Served as `start` serves it (the fast path, then express), or with `expressOnly` through express alone. */
export async function startShareApp(db: Db, signer: ReturnType<typeof createCmsSigner>, o: { expressOnly?: boolean } = {}): Promise<ShareApp> {
  const audit = new MemoryAuditLog();
  const { app, fast } = shareHttpApp(db, signer, audit);
  let fastTaken = 0;
  const handler: RequestListener = o.expressOnly ? app : (req, res) => {
    if (fast(req, res)) fastTaken += 1;
    else app(req, res);
  };
  const server = await listen(handler);
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url, audit,
    get fastTaken() {
      return fastTaken;
    },
    async get(path, o = {}) {
      const headers: Record<string, string> = { ...(o.headers ?? {}) };
      if (o.token) headers.authorization = `Bearer ${o.token}`;
      if (o.purpose !== null) headers['x-purpose'] = o.purpose ?? 'kiem-tra';
      if (o.accept) headers.accept = o.accept;
      return reply(await fetch(`${url}${path}`, { headers }));
    },
    async token(agencyCode, secret) {
      return reply(await fetch(`${url}/share/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${agencyCode}:${secret}`).toString('base64')}` },
        body: 'grant_type=client_credentials',
      }));
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Another province holds person 1 nationally before our sync, so our record of them is rejected. */
async function otherProvinceTakesPerson1(w: SyncWorld): Promise<void> {
  const other = await readyClient(w.sim.sim.url, OTHER_PROVINCE, OTHER_CLIENT);
  const key = makeLeaf({ certificate: w.sim.pki.caCert, privateKey: w.sim.pki.caKey }, { ou: OTHER_PROVINCE });
  const value = packet([record(1234)], OTHER_PROVINCE);
  const harness = { ...w.sim, signer: createCmsSigner(identityOf(key)) };
  const receipt = await pushAndSettle(harness, other, value);
  if (receipt.results?.[0]?.status !== 'accepted') throw new Error(`other province's record not held: ${JSON.stringify(receipt)}`);
}

export async function startShareWorld(backend: Backend, people = 20): Promise<ShareWorld> {
  const sync = await startSyncWorld({ storeBackend: backend, people });
  await otherProvinceTakesPerson1(sync);
  const { service } = sync.service();
  await service.run({ dryRun: false });
  const codec = createPayloadCodec(nationalContract());
  const apps: ShareApp[] = [];
  return {
    sync,
    caCertPem: sync.sim.pki.caCertPem,
    refresh: () => refreshSharedRecords(sync.store.db, codec, { source: sync.source.db, units: qlcbUnits }),
    async startApp(db = sync.store.db, o = {}) {
      const app = await startShareApp(db, sync.sim.signer, o);
      apps.push(app);
      return app;
    },
    async client(agencyCode, grant, db = sync.store.db) {
      const admin = createClientAdmin(db);
      const secret = await admin.add(agencyCode, `client ${agencyCode}`);
      const grantId = await admin.grant(agencyCode, defaultGrant(grant));
      return { secret, grantId };
    },
    async close() {
      for (const a of apps) await a.close();
      await sync.close();
    },
  };
}
