import { randomUUID } from 'node:crypto';
import type { Db, Queryable } from '../db/db.js';
import type { PayloadCodec } from '../encoding/payload-codec.js';
import { isGatewayError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { CompiledMapping } from '../mapping/mapping-compiler.js';
import { mapAhead } from '../mapping/map-ahead.js';
import { createPersonMapper, inFlightFor, type PersonMapper } from '../mapping/mapping-pool.js';
import type { AttemptRecord, NdxpClient } from '../ndxp/ndxp-client.js';
import { isNdxpError } from '../ndxp/ndxp-error.js';
import type { OutboxStore } from '../outbox/outbox-store.js';
import type { PersonState, QueuedVersion, RecordVersion } from '../outbox/outbox-types.js';
import { recordsOfEnvelope } from '../packet/envelope-records.js';
import { estimateRecordBytes, groupBySize, splitToFit, type Approval } from '../packet/packet-builder.js';
import { envelopeBytes, type CmsSigner } from '../signing/cms-signer.js';
import { readRawPersonChunks, readReference, type RawPerson } from '../source/person-reader.js';
import { approvedHeads } from './due-query.js';
import { toPendingVersion, toPreparedRecord, toRecordVersion } from './record-version.js';
import type { SyncLock } from './sync-lock.js';
import { emptySummary, type SyncSummary } from './sync-summary.js';

/**
 * One sync, province to nation (issue 5; docs/decisions/outbox.md), as restartable steps:
 * due -> queue -> pack (sign, store bytes) -> send -> receipts. Every step starts from what
 * the store holds, so a run killed at any point is finished by the next one without building
 * a record version twice, re-signing a stored packet or losing a record.
 */
export interface SyncDeps {
  store: OutboxStore;
  source: Db;
  mapping: CompiledMapping;
  codec: PayloadCodec;
  signer: CmsSigner;
  /** The national side; absent for a dry run only. */
  client: NdxpClient | undefined;
  lock: SyncLock;
  logger: Logger;
  settings: SyncSettings;
  /** Attempts the client reports; the service stores them against the packet in hand. */
  attempts: AttemptRecord[];
  newId?: () => string;
  now?: () => Date;
}

export interface SyncSettings {
  senderCode: string;
  receiverCode: string;
  format: 'json' | 'xml';
  maxRecords: number;
  maxBytes: number;
  approval: (signer: CmsSigner, now: Date) => Approval;
  /** People read per source query. */
  chunkSize: number;
  /** Worker threads mapping people (mapping-pool.ts); 0 or unset maps on this thread. */
  mappingThreads?: number;
  receiptWaitMs: number;
}

export interface RunOptions {
  dryRun?: boolean;
  /** At most this many due people this run. */
  limit?: number;
  onProgress?: (line: string) => void;
}

/** Approval heads read per page when looking for due people. */
const HEAD_PAGE = 5000;

export function createSyncService(deps: SyncDeps) {
  const newId = deps.newId ?? randomUUID;
  const now = deps.now ?? (() => new Date());
  const { store, settings, logger } = deps;

  async function flushAttempts(packetId: string | undefined): Promise<void> {
    const batch = deps.attempts.splice(0);
    for (const a of batch) await store.recordAttempt({ ...a, packetId });
  }

  /**
   * The due people of one snapshot, unparsed, in chunks: pages of approval heads, each filtered
   * to the people whose latest approval is newer than what was last sent, with the person
   * states read for them (for the unchanged check).
   */
  async function* dueChunks(tx: Queryable, options: RunOptions): AsyncGenerator<{ raws: RawPerson[]; states: Map<string, PersonState> }> {
    let after: string | undefined;
    let taken = 0;
    for (;;) {
      const heads = await approvedHeads(tx, deps.mapping.source, after, HEAD_PAGE);
      if (heads.length === 0) return;
      after = heads[heads.length - 1]!.vendorId;
      const states = await store.personStates(heads.map((h) => h.vendorId));
      let due = heads.filter((h) => {
        const seen = states.get(h.vendorId)?.lastApprovalId;
        return seen === undefined || BigInt(h.approvalId) > BigInt(seen);
      });
      if (options.limit !== undefined) due = due.slice(0, Math.max(0, options.limit - taken));
      taken += due.length;
      // One call per page: the reader cuts the page's ids into chunkSize queries itself.
      const ids = due.map((h) => h.vendorId);
      for await (const raws of readRawPersonChunks(tx, deps.mapping, { vendorIds: ids, approvedOnly: true }, settings.chunkSize)) {
        yield { raws, states };
      }
      if (heads.length < HEAD_PAGE || (options.limit !== undefined && taken >= options.limit)) return;
    }
  }

  /**
   * Steps 1-2: the due people, mapped and pre-validated, recorded as versions (or previewed).
   * Reading, mapping (on the mapping threads) and `sink` overlap: the next chunks are read and
   * mapped while the sink stores the last one.
   */
  async function collect(runId: string, summary: SyncSummary, options: RunOptions, sink: (v: RecordVersion[]) => Promise<void>): Promise<void> {
    const threads = settings.mappingThreads ?? 0;
    let mapper: PersonMapper | undefined;
    try {
      await deps.source.transaction(async (tx) => {
        const reference = await readReference(tx, deps.mapping);
        const mapChunk = async ({ raws, states }: { raws: RawPerson[]; states: Map<string, PersonState> }) => {
          mapper ??= createPersonMapper(deps.mapping, { threads, hash: true });
          return { mapped: await mapper.map(raws, reference), states };
        };
        // The mapper is created on the first chunk; its depth rule is known before.
        for await (const { mapped, states } of mapAhead(dueChunks(tx, options), mapChunk, inFlightFor(threads))) {
          const versions = mapped.map((m) => toRecordVersion(m, states.get(m.vendorId)));
          for (const v of versions) summary[v.status === 'queued' ? 'queued' : v.status] += 1;
          summary.due += versions.length;
          await sink(versions);
          options.onProgress?.(`due ${summary.due}: queued ${summary.queued}, unchanged ${summary.unchanged}, invalid ${summary.invalid}`);
        }
      }, { isolation: 'repeatable read', readOnly: true });
    } finally {
      await mapper?.close();
    }
    logger.info('due records collected', { syncRunId: runId, due: summary.due, queued: summary.queued, unchanged: summary.unchanged, invalid: summary.invalid });
  }

  /** Step 3: group, encode, sign; `keep` stores each packet (outbox) or its preview (dry run). */
  async function pack(versions: QueuedVersion[], keep: (p: { packetId: string; envelope: Buffer; sha: string; bytes: number; items: QueuedVersion[] }) => Promise<void>): Promise<number> {
    const at = now();
    const approval = settings.approval(deps.signer, at);
    const groups = groupBySize(versions, (v) => estimateRecordBytes(toPreparedRecord(v), settings.format), settings);
    let count = 0;
    for (const group of groups) {
      const built = splitToFit({
        packetId: newId(), createdAt: at.toISOString(), sender: settings.senderCode, receiver: settings.receiverCode,
        approval, format: settings.format, items: group, record: toPreparedRecord,
      }, deps.codec, settings.maxBytes, newId);
      for (const packet of built) {
        const envelope = envelopeBytes(settings.format, packet.payload, deps.signer);
        await keep({ packetId: packet.packetId, envelope, sha: packet.payloadSha256, bytes: packet.payload.length, items: packet.items });
        count += 1;
      }
    }
    return count;
  }

  /**
   * Holds queued versions until they fill whole packets (maxRecords each) and hands those on,
   * so a run holds at most about one packet's records however many are due; `flush` hands on
   * the rest.
   */
  function inFullPackets(packFull: (versions: QueuedVersion[]) => Promise<void>) {
    let buffer: QueuedVersion[] = [];
    return {
      async add(versions: RecordVersion[]): Promise<void> {
        for (const v of versions) if (v.status === 'queued') buffer.push(toPendingVersion(v));
        if (buffer.length < settings.maxRecords) return;
        const full = buffer.slice(0, buffer.length - (buffer.length % settings.maxRecords));
        buffer = buffer.slice(full.length);
        await packFull(full);
      },
      async flush(): Promise<void> {
        const rest = buffer;
        buffer = [];
        if (rest.length > 0) await packFull(rest);
      },
    };
  }

  /** Packs `versions`, storing each signed packet with its records; `onStored` gets its id. */
  async function packAndStore(runId: string, versions: QueuedVersion[], summary: SyncSummary, onStored: (packetId: string, envelope: Buffer) => void): Promise<void> {
    if (versions.length === 0) return;
    const signer = deps.signer.identity(now()).summary.subject;
    summary.packetsBuilt += await pack(versions, async (p) => {
      await store.storePacket(runId, {
        packetId: p.packetId, format: settings.format, envelope: p.envelope, payloadSha256: p.sha, payloadBytes: p.bytes, signer,
        recordIds: p.items.flatMap((v) => (v.id === undefined ? [] : [v.id])), newVersions: p.items.filter((v) => v.id === undefined),
      });
      onStored(p.packetId, p.envelope);
    });
  }

  /** Versions left queued by an earlier run (a crash, a failed receipt): older, so packed first. */
  async function packLeftovers(runId: string, summary: SyncSummary, onStored: (packetId: string, envelope: Buffer) => void): Promise<void> {
    for (;;) {
      const queued = await store.queued(settings.maxRecords * 20);
      if (queued.length === 0) return;
      await packAndStore(runId, queued, summary, onStored);
    }
  }

  /** Step 4: post one stored packet's bytes. 'outage' when the national side is unavailable. */
  async function sendOne(packetId: string, envelope: Buffer | undefined, summary: SyncSummary, client: NdxpClient): Promise<'sent' | 'failed' | 'outage'> {
    try {
      const answer = await client.pushPacket(envelope ?? (await store.envelopeOf(packetId)));
      await flushAttempts(packetId);
      await store.markSent(packetId, answer.receipt.receiptId);
      summary.packetsSent += 1;
      return 'sent';
    } catch (err) {
      await flushAttempts(packetId);
      const message = isGatewayError(err) ? `${err.code}: ${err.message}` : String(err);
      if (isGatewayError(err) && !err.retryable) {
        await store.markFailed(packetId, isNdxpError(err) ? err.nationalCode : undefined, message);
        summary.packetsFailed += 1;
        logger.error('packet refused by the national side', { packetId, error: message });
        return 'failed';
      }
      await store.noteError(packetId, message);
      logger.warn('national side unavailable; packets stay pending for the next sync', { packetId, error: message });
      return 'outage';
    }
  }

  /**
   * Sends packets in the order they were stored, one at a time, while collection and packing
   * go on: the network wait overlaps the mapping. After an outage nothing more is posted this
   * run; the packets stay pending, their bytes stored, for the next sync. A packet built this
   * run travels with its bytes (exactly what was stored) while few are waiting; beyond that
   * they are read back when their turn comes, so a slow national side cannot fill memory.
   */
  function createSender(summary: SyncSummary, client: NdxpClient) {
    let chain = Promise.resolve();
    let halted = false;
    let failure: unknown;
    let waiting = 0;
    return {
      enqueue(packetId: string, envelope?: Buffer): void {
        waiting += 1;
        const bytes = waiting <= 8 ? envelope : undefined;
        chain = chain.then(async () => {
          waiting -= 1;
          if (halted) {
            summary.packetsPending += 1;
            return;
          }
          if ((await sendOne(packetId, bytes, summary, client)) === 'outage') {
            halted = true;
            summary.packetsPending += 1;
          }
        }).catch((err: unknown) => {
          halted = true;
          failure ??= err;
        });
      },
      async drain(): Promise<void> {
        await chain;
        if (failure) throw failure;
      },
    };
  }

  /** Step 5: land the receipts of sent packets. */
  async function settle(summary: SyncSummary, client: NdxpClient): Promise<void> {
    for (const packet of await store.packetsIn('sent')) {
      try {
        const receipt = await client.pollReceipt(packet.packetId, { maxWaitMs: settings.receiptWaitMs, minDelayMs: 50, maxDelayMs: 2000 });
        await flushAttempts(packet.packetId);
        if (receipt.status === 'done') {
          const results = receipt.results ?? [];
          await store.completePacket(packet.packetId, receipt, results);
          for (const r of results) summary[r.status] += 1;
        } else {
          const returned = recordsOfEnvelope(await store.envelopeOf(packet.packetId), deps.codec);
          await store.failPacketFromReceipt(packet.packetId, receipt, receipt.error?.code, receipt.error?.message ?? 'receipt failed', returned);
          summary.packetsFailed += 1;
          logger.warn('packet failed nationally; its records are queued again', { packetId: packet.packetId, error: receipt.error });
        }
      } catch (err) {
        await flushAttempts(packet.packetId);
        summary.receiptsPending += 1;
        // The national side not answering yet is routine; anything else (the outbox refusing
        // the receipt, e.g. outbox.records_unmatched) recurs every run until an operator acts.
        const detail = { packetId: packet.packetId, error: isGatewayError(err) ? `${err.code}: ${err.message}` : String(err) };
        if (isNdxpError(err)) logger.info('receipt not final yet', detail);
        else logger.error('receipt could not be recorded; the packet stays sent', detail);
      }
    }
  }

  async function runUnlocked(options: RunOptions): Promise<SyncSummary> {
    const summary = emptySummary();
    const runId = await store.startRun(options.dryRun === true);
    const log = logger.child({ syncRunId: runId });
    try {
      if (options.dryRun) {
        const previews = inFullPackets(async (vs) => {
          summary.packetsBuilt += await pack(vs, (p) => store.storePreview(runId, { packetId: p.packetId, format: settings.format, envelope: p.envelope, recordCount: p.items.length }));
        });
        await collect(runId, summary, options, previews.add);
        await previews.flush();
      } else {
        const client = deps.client;
        if (!client) throw new Error('no national client configured');
        const sender = createSender(summary, client);
        // Older work first: packets stored by an earlier run, then versions it left queued.
        // A newer version sent before an older one would make the older come back stale.
        for (const packet of await store.packetsIn('pending')) sender.enqueue(packet.packetId);
        await packLeftovers(runId, summary, sender.enqueue);
        const packets = inFullPackets((vs) => packAndStore(runId, vs, summary, sender.enqueue));
        await collect(runId, summary, options, async (vs) => {
          // Invalid and unchanged versions are recorded now; a queued one is recorded with
          // the packet that carries it (a crash before that leaves its person due again).
          await store.recordVersions(runId, vs.filter((v) => v.status !== 'queued'));
          await packets.add(vs);
        });
        await packets.flush();
        options.onProgress?.(`packets built ${summary.packetsBuilt}; sending`);
        await sender.drain();
        options.onProgress?.(`packets sent ${summary.packetsSent}; waiting for receipts`);
        await settle(summary, client);
      }
      await store.finishRun(runId, 'finished', summary);
      log.info('sync finished', { ...summary });
      return summary;
    } catch (err) {
      await store.finishRun(runId, 'failed', summary, String(err)).catch(() => undefined);
      throw err;
    }
  }

  return {
    /** Runs one sync; `skipped: true` when another is running (here or in another process). */
    async run(options: RunOptions = {}): Promise<SyncSummary> {
      const result = await deps.lock.runExclusive(() => runUnlocked(options));
      return result ?? { ...emptySummary(), skipped: true };
    },
  };
}

export type SyncService = ReturnType<typeof createSyncService>;
