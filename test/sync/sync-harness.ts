import { nationalContract } from '../../src/contract/national-contract.js';
import { migrate } from '../../src/db/migrate.js';
import type { Db } from '../../src/db/db.js';
import { generatePeople, type GenerationSummary } from '../../src/demo/generate-people.js';
import { generateNhansu } from '../../src/demo/nhansu/generate-nhansu.js';
import { installNhansuSchema } from '../../src/demo/nhansu/nhansu-schema.js';
import { installProvincialSchema } from '../../src/demo/provincial-schema.js';
import { createPayloadCodec } from '../../src/encoding/payload-codec.js';
import { createLogger, type Logger } from '../../src/log/logger.js';
import { loadMapping } from '../../src/mapping/mapping-loader.js';
import type { CompiledMapping } from '../../src/mapping/mapping-compiler.js';
import { createNdxpClient, type NdxpClient } from '../../src/ndxp/ndxp-client.js';
import { createOutboxStore, type OutboxStore } from '../../src/outbox/outbox-store.js';
import type { Approval } from '../../src/packet/packet-builder.js';
import { createSyncLock } from '../../src/sync/sync-lock.js';
import { createSyncService, type SyncDeps, type SyncService, type SyncSettings } from '../../src/sync/sync-service.js';
import { Writable } from 'node:stream';
import { freshDatabase, type Backend, type TestDatabase } from '../setup/databases.js';
import { CLIENT, PROVINCE, startHarness, type Harness } from '../simulator/simulator-harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- the ledger is known JSON, read by the tests */
/**
 * The sync's world for end-to-end tests: a provincial database (qlcb: vendor schema, sample.sql
 * and some generated people; nhansu: its schema and generated people), a fresh gateway store, and the national simulator on 127.0.0.1 with
 * real signatures. Services are composed with `createSyncService` and small settings, so a
 * test can make a second service (another pool, another process) over the same store.
 */
export interface SyncWorld {
  source: TestDatabase;
  store: TestDatabase;
  sim: Harness;
  mapping: CompiledMapping;
  generated: GenerationSummary | undefined;
  /** Every sleep the NDXP clients were asked for (Retry-After, backoff, receipt polls), in ms. */
  sleeps: number[];
  /** A new DA_DUYET approval for a person, later than any before; `edit` changes their address first. */
  approveAgain(vendorId: number, options?: { edit?: string }): Promise<string>;
  /** GET /_sim/ledger, or /_sim/ledger/officials/{soDinhDanh}, over HTTP. */
  ledger(soDinhDanh?: string): Promise<any>;
  service(options?: ServiceOptions): { service: SyncService; outbox: OutboxStore; client: NdxpClient | undefined };
  /** What `service` composes the sync from: for another service over the same steps (src/ops). */
  deps(options?: ServiceOptions): SyncDeps;
  close(): Promise<void>;
}

export interface ServiceOptions {
  /** The store's connection to use; default the world's store pool. */
  storeDb?: Db;
  settings?: Partial<SyncSettings>;
  /** No national client (dry runs only). */
  noClient?: boolean;
  /** Packet ids, in order (default random UUIDs). */
  newId?: () => string;
  /** Wraps the outbox the service uses, e.g. to hold it at one step. */
  wrapOutbox?: (outbox: OutboxStore) => OutboxStore;
  /** The mapping to sync with; default the world's (mappings/qlcb). */
  mapping?: CompiledMapping;
}

export interface WorldOptions {
  storeBackend: Backend;
  sourceBackend?: Backend;
  /** Generated people added after the sample (0: the sample alone). */
  people?: number;
  /** Whose database: qlcb (default: sample.sql plus generated people) or nhansu (generated people only, mappings/nhansu). */
  vendor?: 'qlcb' | 'nhansu';
}

const FIXED_APPROVAL = (_signer: unknown, now: Date): Approval => ({
  approvedBy: { hoTen: 'Trần Văn Bình', chucVu: 'Giám đốc Sở Nội vụ' },
  approvedAt: now.toISOString(),
  ky: now.toISOString().slice(0, 7),
});

/** Logs go nowhere: the tests read the outbox and the ledger, not log lines. */
export function quietLogger(): Logger {
  return createLogger({ level: 'error', format: 'json', stream: new Writable({ write: (_c, _e, done) => done() }) });
}

export async function startSyncWorld(options: WorldOptions): Promise<SyncWorld> {
  const sourceBackend = options.sourceBackend ?? 'postgres';
  const vendor = options.vendor ?? 'qlcb';
  const source = await freshDatabase(sourceBackend);
  const generation = { people: options.people ?? 0, seed: 7, chunkSize: 500, concurrency: sourceBackend === 'pglite' ? 1 : 2 };
  let generated: GenerationSummary | undefined;
  if (vendor === 'nhansu') {
    await installNhansuSchema(source.db);
    generated = options.people ? await generateNhansu(source.db, generation) : undefined;
  } else {
    await installProvincialSchema(source.db, { sample: true });
    generated = options.people ? await generatePeople(source.db, generation) : undefined;
  }
  const store = await freshDatabase(options.storeBackend);
  await migrate(store.db);
  const sim = await startHarness();
  const mapping = loadMapping(`mappings/${vendor}`);
  const codec = createPayloadCodec(nationalContract());
  const sleeps: number[] = [];
  const clients: NdxpClient[] = [];
  const logger = quietLogger();

  /** One service's edges over the world: its own NDXP client, outbox and lock. */
  const compose = (o: ServiceOptions = {}): { deps: SyncDeps; outbox: OutboxStore } => {
    const storeDb = o.storeDb ?? store.db;
    const client = o.noClient ? undefined : createNdxpClient({
      baseUrl: sim.sim.url, ...CLIENT, consumerCode: PROVINCE,
      connectTimeoutMs: 2000, responseTimeoutMs: 10_000,
      retry: { attempts: 4, minDelayMs: 10, maxDelayMs: 50 },
      // Records what was asked and waits a little only, so no test waits out a Retry-After.
      sleep: (ms) => {
        sleeps.push(ms);
        return new Promise((resolve) => setTimeout(resolve, Math.min(ms, 25)));
      },
    });
    if (client) clients.push(client);
    const outbox = createOutboxStore(storeDb);
    const deps: SyncDeps = {
      ...(o.newId ? { newId: o.newId } : {}),
      store: o.wrapOutbox ? o.wrapOutbox(outbox) : outbox, source: source.db, mapping: o.mapping ?? mapping, codec, signer: sim.signer, client,
      lock: createSyncLock(storeDb, { sharedServer: store.backend === 'postgres' }),
      logger,
      settings: {
        senderCode: PROVINCE, receiverCode: '000.00.00.G09', format: 'json', maxRecords: 50, maxBytes: 8 * 1024 * 1024,
        approval: FIXED_APPROVAL, chunkSize: 100, receiptWaitMs: 5000, ...o.settings,
      },
    };
    return { deps, outbox };
  };

  let approvals = 0;
  return {
    source, store, sim, mapping, generated, sleeps,
    async approveAgain(vendorId, o = {}) {
      approvals += 1;
      const at = new Date(Date.UTC(2026, 10, 10, 2) + approvals * 3_600_000).toISOString();
      if (vendor === 'nhansu') {
        if (o.edit !== undefined) await source.db.query('UPDATE nhansu.employee SET address = $2 WHERE emp_id = $1', [vendorId, o.edit]);
        await source.db.query(`INSERT INTO nhansu.record_review (emp_id, outcome, reviewer, reviewed_at) VALUES ($1, 'A', 'Trần Văn Bình', $2)`, [vendorId, at]);
        return at;
      }
      if (o.edit !== undefined) await source.db.query('UPDATE qlcb.can_bo SET noi_o_hien_nay = $2 WHERE id = $1', [vendorId, o.edit]);
      await source.db.query(
        `INSERT INTO qlcb.phe_duyet (can_bo_id, trang_thai, nguoi_duyet, don_vi_duyet_id, thoi_diem_duyet) VALUES ($1, 'DA_DUYET', 'Trần Văn Bình', 2, $2)`,
        [vendorId, at],
      );
      return at;
    },
    async ledger(soDinhDanh) {
      const res = await fetch(`${sim.sim.url}/_sim/ledger${soDinhDanh ? `/officials/${soDinhDanh}` : ''}`);
      return res.json();
    },
    deps: (o) => compose(o).deps,
    service(o: ServiceOptions = {}) {
      const { deps, outbox } = compose(o);
      return { service: createSyncService(deps), outbox, client: deps.client };
    },
    async close() {
      for (const c of clients) c.close();
      await sim.close();
      await store.drop();
      await source.drop();
    },
  };
}
