import type { QueuedVersion, RecordVersion } from '../outbox/outbox-types.js';
import { toPendingVersion } from './record-version.js';

/**
 * Step 2 of a sync, queue: holds the queued versions collected until they fill whole packets
 * (maxRecords each) and hands those on, so a run holds at most about one packet's records
 * however many are due; `flush` hands on the rest.
 */
export function inFullPackets(maxRecords: number, packFull: (versions: QueuedVersion[]) => Promise<void>) {
  let buffer: QueuedVersion[] = [];
  return {
    async add(versions: RecordVersion[]): Promise<void> {
      for (const v of versions) if (v.status === 'queued') buffer.push(toPendingVersion(v));
      if (buffer.length < maxRecords) return;
      const full = buffer.slice(0, buffer.length - (buffer.length % maxRecords));
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
