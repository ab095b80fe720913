import type { RecordProblem } from '../contract/national-rules.js';
import type { Db, Queryable } from '../db/db.js';
import { describeError } from '../errors.js';
import type { FaultSwitches } from './fault-switches.js';
import { completePacket, insertResults, lockHeldOfficials, lockUnfinishedPacket, markProcessing, packetPayload, storeAccepted } from './ledger-store.js';
import { decidePacket, type HeldOfficial } from './record-decisions.js';
import { NationalRefusal } from './simulator-errors.js';

/**
 * Processes received packets asynchronously, as the contract describes ("A packet takes from
 * milliseconds to hours to reach done or failed"): the receipt goes `received` → `processing`
 * at once, stays there for the fault switch's processing delay, then one transaction decides
 * every record, stores results and accepted records, and marks the packet `done`, so a
 * stopped simulator never leaves half a packet applied. Packets are processed one at a time,
 * in arrival order, so two packets naming the same official cannot race on the
 * latest-approvedAt rule.
 */
export interface DecodedPacket {
  records: unknown[];
  recordProblems: RecordProblem[][];
}

export interface PacketProcessorOptions {
  db: Db;
  faults: FaultSwitches;
  now: () => Date;
  /** Decodes and checks a stored payload again (after a restart, when nothing is in memory). */
  reload: (format: 'json' | 'xml', payload: Buffer, sender: string) => DecodedPacket;
  onError?: (packetId: string, err: unknown) => void;
}

const MAX_ATTEMPTS = 5;
const RETRY_MS = 1_000;

export class PacketProcessor {
  private tail: Promise<void> = Promise.resolve();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly decoded = new Map<string, DecodedPacket>();
  private pending = 0;
  private idle: (() => void)[] = [];
  private stopped = false;

  constructor(private readonly options: PacketProcessorOptions) {}

  /** Takes a stored packet in hand; `decoded` spares decoding and checking it twice. */
  schedule(packetId: string, decoded?: DecodedPacket): void {
    if (this.stopped) return;
    if (decoded) this.decoded.set(packetId, decoded);
    this.pending += 1;
    const delay = this.options.faults.processingDelayMs;
    void markProcessing(this.options.db, packetId, this.options.now())
      .catch((err: unknown) => this.options.onError?.(packetId, err))
      .then(() => this.after(delay, () => this.enqueue(packetId, 1)));
  }

  /** Resolves when every scheduled packet is finished (tests, orderly shutdown). */
  drain(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Stops taking packets; what is unfinished stays `processing` and is taken up at the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await this.tail;
  }

  private after(ms: number, fn: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  private enqueue(packetId: string, attempt: number): void {
    this.tail = this.tail.then(async () => {
      if (this.stopped) return;
      try {
        await this.process(packetId);
        this.finished(packetId);
      } catch (err) {
        this.options.onError?.(packetId, err);
        if (attempt < MAX_ATTEMPTS) {
          this.after(RETRY_MS, () => this.enqueue(packetId, attempt + 1));
          return;
        }
        await completePacket(this.options.db, packetId, 'failed', this.options.now(), {
          code: 'INTERNAL_ERROR',
          message: `the national side could not process the packet: ${describeError(err)}`,
        }).catch((e: unknown) => this.options.onError?.(packetId, e));
        this.finished(packetId);
      }
    });
  }

  private finished(packetId: string): void {
    this.decoded.delete(packetId);
    this.pending -= 1;
    if (this.pending === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  /** After a restart: the stored payload, decoded and checked again. */
  private async reload(tx: Queryable, packetId: string, sender: string): Promise<DecodedPacket> {
    const stored = await packetPayload(tx, packetId);
    if (!stored) throw new NationalRefusal('INTERNAL_ERROR', `packet ${packetId} has no stored payload`);
    return this.options.reload(stored.format, stored.payload, sender);
  }

  private async process(packetId: string): Promise<void> {
    const { db, faults, now } = this.options;
    await db.transaction(async (tx) => {
      const stored = await lockUnfinishedPacket(tx, packetId);
      if (!stored) return;
      if (faults.takePacketFailure()) {
        // Fault switch: "failed means the national side could not process the packet at all:
        // nothing of it was stored" (contract README, "Receipt").
        await completePacket(tx, packetId, 'failed', now(), {
          code: 'PROCESSING_FAILED',
          message: 'the national side could not process the packet (simulated fault); send its records again in a new packet',
        });
        return;
      }
      const packet = this.decoded.get(packetId) ?? (await this.reload(tx, packetId, stored.sender));
      const ids = [...new Set(packet.records.map((r) => String((r as { soDinhDanh?: unknown }).soDinhDanh)))];
      const held = new Map<string, HeldOfficial>((await lockHeldOfficials(tx, ids)).map((h) => [h.soDinhDanh, h]));
      const decision = decidePacket(packet.records, packet.recordProblems, stored.sender, held);
      const at = now();
      await insertResults(tx, packetId, decision.results);
      await storeAccepted(tx, packetId, stored.sender, decision.accepted, at);
      await completePacket(tx, packetId, 'done', at);
    });
  }
}
