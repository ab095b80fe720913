import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { AGENCY_CODE_PATTERN } from '../contract/national-contract.js';
import type { Db } from '../db/db.js';
import { isOrderableDateTime } from './approved-at.js';
import { parseFaultUpdate, type FaultSwitches } from './fault-switches.js';
import { findOfficial, type HeldRecord } from './ledger-store.js';
import { ledgerSummary, personHistory } from './ledger-summary.js';
import { SimulatorError } from './simulator-errors.js';

/**
 * The simulator's own control surface, outside the contract (prefix `/_sim`): fault switches,
 * the ledger for tests and operators, and seeding a record "migrated from an older system" so
 * a transfer-in can be rehearsed without a second province. No authentication: the simulator
 * listens on loopback by default and is never a production endpoint.
 */
export interface SimControllerOptions {
  db: Db;
  faults: FaultSwitches;
  seed: (held: HeldRecord) => Promise<void>;
}

function parseSeed(body: unknown): HeldRecord {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const details: { path: string; message: string }[] = [];
  const record = b.record;
  if (typeof record !== 'object' || record === null || Array.isArray(record)) details.push({ path: '/record', message: 'must be an official record object' });
  if (!isOrderableDateTime(b.approvedAt)) details.push({ path: '/approvedAt', message: 'must be an RFC 3339 date-time' });
  if (typeof b.sender !== 'string' || !AGENCY_CODE_PATTERN.test(b.sender)) details.push({ path: '/sender', message: 'must be an agency code' });
  if (details.length > 0) throw new SimulatorError('simulator.bad_seed', 'the seed does not have the expected shape', details);
  const data = record as Record<string, unknown>;
  return {
    soDinhDanh: String(data.soDinhDanh),
    sender: b.sender as string,
    approvedAt: b.approvedAt as string,
    archived: b.archived === true,
    migrated: b.migrated !== false,
    record: data,
  };
}

export function simController(options: SimControllerOptions): Router {
  const { db, faults } = options;
  const router = Router();
  router.use('/_sim', express.json({ limit: '1mb' }));

  router.get('/_sim/faults', (_req, res) => {
    res.json(faults.snapshot());
  });
  router.post('/_sim/faults', (req, res) => {
    res.json(faults.apply(parseFaultUpdate(req.body)));
  });
  router.delete('/_sim/faults', (_req, res) => {
    res.json(faults.reset());
  });
  router.get('/_sim/ledger', async (_req, res) => {
    res.json(await ledgerSummary(db));
  });
  router.get('/_sim/ledger/officials/:soDinhDanh', async (req, res) => {
    const soDinhDanh = String(req.params.soDinhDanh);
    res.json({ held: (await findOfficial(db, soDinhDanh)) ?? null, ...(await personHistory(db, soDinhDanh)) });
  });
  router.post('/_sim/officials', async (req, res) => {
    const held = parseSeed(req.body);
    await options.seed(held);
    res.status(201).json({ soDinhDanh: held.soDinhDanh, migrated: held.migrated, archived: held.archived });
  });
  router.use('/_sim', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof SimulatorError) {
      res.status(400).json({ code: err.code, message: err.message, errors: err.details });
      return;
    }
    if ((err as { type?: string }).type === 'entity.parse.failed') {
      res.status(400).json({ code: 'simulator.bad_json', message: 'the body is not JSON' });
      return;
    }
    next(err);
  });
  return router;
}
