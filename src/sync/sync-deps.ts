import { randomUUID } from 'node:crypto';
import type { Db } from '../db/db.js';
import type { PayloadCodec } from '../encoding/payload-codec.js';
import type { Logger } from '../log/logger.js';
import type { CompiledMapping } from '../mapping/mapping-compiler.js';
import type { NdxpClient } from '../ndxp/ndxp-client.js';
import type { OutboxStore } from '../outbox/outbox-store.js';
import type { Approval } from '../packet/packet-builder.js';
import type { CmsSigner } from '../signing/cms-signer.js';
import type { SyncLock } from './sync-lock.js';
import type { OnProgress } from '../progress/progress.js';

/** What the sync's steps are built from, wired in one place (compose/sync-compose.ts). */
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
  /**
   * Begin the source's snapshot and its first heads query as the run starts, while the store
   * does the run's bookkeeping (sync-service.ts), rather than when collecting begins. Off for a
   * source with one connection (embedded PGlite): held from the start, it would keep a pull's
   * staging or an operator's read waiting while packets an earlier run left are sent.
   */
  headsAhead?: boolean;
}

export interface RunOptions {
  dryRun?: boolean;
  /** At most this many due people this run. */
  limit?: number;
  /** A line as each phase begins (collected, packets built, sent). */
  onProgress?: (line: string) => void;
  /** Due people mapped so far, of those found due (the total is known once every page of approvals was read). */
  progress?: OnProgress;
  /**
   * Aborted when the process stops: collection ends after the chunk whose versions it is
   * committing; what was stored is sent and the rest stays due for the next sync.
   */
  signal?: AbortSignal;
}

/** The deps with their defaults filled in: what each step takes (or the part it needs). */
export type SyncContext = Omit<SyncDeps, 'newId' | 'now'> & { newId: () => string; now: () => Date };

export function syncContext(deps: SyncDeps): SyncContext {
  return { ...deps, newId: deps.newId ?? randomUUID, now: deps.now ?? (() => new Date()) };
}
