import express, { type NextFunction, type Request, type Response } from 'express';
import { nationalContract, type NationalContract } from '../contract/national-contract.js';
import { createNationalValidator } from '../contract/record-validator.js';
import type { Db } from '../db/db.js';
import type { CmsSigner } from '../signing/cms-signer.js';
import { parseTrustAnchors } from '../signing/trust-anchors.js';
import { echoRequestId } from './call-gate.js';
import { FaultSwitches } from './fault-switches.js';
import { seedOfficial, unfinishedPackets, type HeldRecord } from './ledger-store.js';
import { nationalController } from './national-controller.js';
import { PacketProcessor } from './packet-processor.js';
import { createPushService, type PushLimits } from './push-service.js';
import { simController } from './sim-controller.js';
import { SimulatorError } from './simulator-errors.js';
import { TokenStore, type SimulatorClient } from './token-store.js';

/**
 * The national side of the contract as an express app, wired in one place:
 * tokens, push, receipts, pull, the fault switches and the ledger. The ledger must be
 * migrated first (`migrateSimulatorLedger`); `startSimulator` does it and listens.
 */
export interface SimulatorOptions {
  /** The ledger's store (schema csdl_simulator). */
  db: Db;
  contract?: NationalContract;
  clients: SimulatorClient[];
  /** Signs pulled records as the Ministry (`000.00.00.G09`). */
  ministrySigner: Pick<CmsSigner, 'sign'>;
  faults?: FaultSwitches;
  now?: () => Date;
  /** `expires_in` of issued tokens; default 3600. */
  tokenTtlSeconds?: number;
  /** Contract limits, configurable on both sides; defaults 8 MiB and 500. */
  maxPayloadBytes?: number;
  maxRecords?: number;
  /** Reports background failures (processing); default: ignored. */
  onError?: (what: string, err: unknown) => void;
}

export interface Simulator {
  app: express.Express;
  faults: FaultSwitches;
  /** Resolves when every received packet has been processed. */
  drain(): Promise<void>;
  /** Takes up packets a previous run left unfinished; returns how many. */
  resume(): Promise<number>;
  /** Holds a record as migrated from an older system (served as XML on pull). */
  seedOfficial(held: Omit<HeldRecord, 'migrated'> & { migrated?: boolean }): Promise<void>;
  /** Stops processing; the db stays open (it belongs to the caller). */
  close(): Promise<void>;
}

export const DEFAULT_LIMITS: PushLimits = { maxPayloadBytes: 8 * 1024 * 1024, maxRecords: 500 };

export function createSimulatorApp(options: SimulatorOptions): Simulator {
  const contract = options.contract ?? nationalContract();
  const now = options.now ?? (() => new Date());
  const faults = options.faults ?? new FaultSwitches();
  const limits: PushLimits = {
    maxPayloadBytes: options.maxPayloadBytes ?? DEFAULT_LIMITS.maxPayloadBytes,
    maxRecords: options.maxRecords ?? DEFAULT_LIMITS.maxRecords,
  };
  // Trust anchors are parsed once per client, at start-up, so a bad bundle fails early.
  const anchors = new Map(options.clients.map((c) => [c, parseTrustAnchors(c.trustAnchorsPem, `the trust anchors of client ${c.clientId}`)]));
  const tokens = new TokenStore(options.clients, {
    ttlSeconds: options.tokenTtlSeconds ?? 3600,
    now,
    epoch: () => faults.tokenEpoch,
  });
  const processor: PacketProcessor = new PacketProcessor({
    db: options.db,
    faults,
    now,
    reload: (format, payload, sender) => push.reload(format, payload, sender),
    ...(options.onError ? { onError: (id: string, err: unknown) => options.onError?.(`processing packet ${id}`, err) } : {}),
  });
  const push = createPushService({ db: options.db, contract, processor, limits, now });
  const validator = createNationalValidator(contract);

  const seed = async (held: Omit<HeldRecord, 'migrated'> & { migrated?: boolean }): Promise<void> => {
    const problems = validator.validateRecord(held.record);
    if (problems.length > 0) {
      throw new SimulatorError('simulator.bad_seed', 'the seeded record breaks the national rules', problems.map((p) => ({ path: `/record${p.path}`, message: `${p.code}: ${p.message}` })));
    }
    await seedOfficial(options.db, { ...held, migrated: held.migrated ?? true }, now());
  };

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use(echoRequestId);
  app.use(nationalController({
    db: options.db,
    contract,
    faults,
    tokens,
    push,
    limits,
    ministrySigner: options.ministrySigner,
    anchorsOf: (client) => anchors.get(client) ?? [],
  }));
  app.use(simController({ db: options.db, faults, seed }));
  app.use((req: Request, res: Response) => {
    res.status(404).json({ code: 'NOT_FOUND', message: `no route for ${req.method} ${req.path}` });
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    options.onError?.('answering a request', err);
    if (!res.headersSent) res.status(500).json({ code: 'INTERNAL_ERROR', message: 'the national simulator failed; see its log' });
  });

  return {
    app,
    faults,
    drain: () => processor.drain(),
    async resume() {
      const ids = await unfinishedPackets(options.db);
      for (const id of ids) processor.schedule(id);
      return ids.length;
    },
    seedOfficial: seed,
    close: () => processor.stop(),
  };
}
