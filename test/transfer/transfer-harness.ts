import { parseTrustAnchors } from '../../src/signing/trust-anchors.js';
import { loadWorkingCalendar } from '../../src/calendar/calendar-loader.js';
import { migrate } from '../../src/db/migrate.js';
import { installProvincialSchema } from '../../src/demo/provincial-schema.js';
import { loadMapping } from '../../src/mapping/mapping-loader.js';
import { createNdxpClient, type NdxpClient } from '../../src/ndxp/ndxp-client.js';
import { createTransferService, type TransferService, type TransferServiceDeps } from '../../src/transfer/transfer-service.js';
import { freshDatabase, type Backend, type TestDatabase } from '../setup/databases.js';
import { CLIENT, PROVINCE, record, startHarness, type Harness } from '../simulator/simulator-harness.js';
import { MemoryAuditLog } from '../setup/memory-audit-log.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- national records are known JSON in tests */
/**
 * A transfer's world: the national simulator on 127.0.0.1 (real Ministry signatures from the
 * dev PKI), a provincial database with the vendor schema and sample (where the transferees
 * are not active), a migrated gateway store, and the service over a memory audit log.
 */
export const UNIT = '000.01.07.H62';
export const UNIT_ID = 6;
export const CLOSED_UNIT = '000.00.21.H62';

export interface TransferWorld {
  sim: Harness;
  source: TestDatabase;
  store: TestDatabase;
  client: NdxpClient;
  audit: MemoryAuditLog;
  service: TransferService;
  /** Another service over the same world, with some of its dependencies replaced (a claimant, a step hook...). */
  makeService(overrides: Partial<TransferServiceDeps>): TransferService;
  /** Holds a record in the simulator's ledger; `xml` makes it a migrated record, served as XML. */
  hold(data: any, options?: { xml?: boolean }): Promise<void>;
  staged(): Promise<any[]>;
  transfers(): Promise<any[]>;
  close(): Promise<void>;
}

export async function startTransferWorld(backend: Backend, options: { responseTimeoutMs?: number; today?: () => string } = {}): Promise<TransferWorld> {
  const sim = await startHarness();
  const source = await freshDatabase(backend);
  await installProvincialSchema(source.db, { sample: true });
  const store = await freshDatabase(backend);
  await migrate(store.db);
  const client = createNdxpClient({
    baseUrl: sim.sim.url, ...CLIENT, consumerCode: PROVINCE,
    connectTimeoutMs: 2000, responseTimeoutMs: options.responseTimeoutMs ?? 1500,
    retry: { attempts: 1 }, sleep: async () => undefined,
  });
  const audit = new MemoryAuditLog();
  const deps: TransferServiceDeps = {
    store: store.db, source: source.db, national: client,
    trustAnchors: parseTrustAnchors(sim.pki.trustAnchorsPem),
    mapping: loadMapping('mappings/qlcb'),
    calendar: loadWorkingCalendar(),
    audit,
    ...(options.today ? { today: options.today } : {}),
  };
  const service = createTransferService(deps);
  return {
    sim, source, store, client, audit, service,
    makeService: (overrides) => createTransferService({ ...deps, ...overrides }),
    async hold(data, opts = {}) {
      await sim.sim.simulator.seedOfficial({
        soDinhDanh: data.soDinhDanh, record: data, approvedAt: '2026-01-05T08:00:00+07:00', sender: '000.00.00.H26', archived: false, migrated: opts.xml === true,
      });
    },
    async staged() {
      return (await source.db.query('SELECT * FROM qlcb.tiep_nhan_chuyen_den ORDER BY id')).rows;
    },
    async transfers() {
      return (await store.db.query('SELECT * FROM csdl_gateway.transfers ORDER BY id')).rows;
    },
    async close() {
      client.close();
      await sim.close();
      await source.drop();
      await store.drop();
    },
  };
}

/** A valid national record of someone this province does not employ (born 1985, female). */
export function transferee(serial: number): any {
  return record(serial).data;
}
