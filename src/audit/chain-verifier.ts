import { entryHash, GENESIS_HASH, type ChainedEntry } from './audit-chain.js';

/**
 * Checks the audit chain as it is read, page by page in `seq` order, against the checkpoints
 * whose signatures were already verified (audit-verify.ts). It stops at the first problem and
 * names the entry: a plain hash chain catches an edited, removed or reordered entry; only the
 * signed checkpoints catch a tail cut off or a chain rewritten with recomputed hashes.
 */
export type AuditProblemKind =
  | 'edited' // the entry's content does not give its stored hash
  | 'deleted' // a sequence number is missing
  | 'reordered' // the entry links to a predecessor stored at another place
  | 'relinked' // the entry before was replaced with a recomputed hash: the next one still links to the original
  | 'truncated' // fewer entries than a checkpoint counted
  | 'rewritten' // the hash at a checkpoint's count is not the head it signed
  | 'checkpoint_invalid'; // a checkpoint's signature or statement does not hold

export interface AuditProblem {
  kind: AuditProblemKind;
  /** The first bad entry, when one can be named. */
  seq?: number;
  message: string;
}

export interface PinnedCheckpoint {
  count: number;
  head: string;
  signedAt: string;
  /** Where it came from, for messages: "the store" or the file's name. */
  source: string;
}

export interface ChainVerifier {
  /** Rows in ascending seq, continuing the previous page; returns the first problem. */
  feed(rows: readonly ChainedEntry[]): AuditProblem | undefined;
  /** After the last page: checkpoints beyond the end mean a truncated tail. */
  finish(): AuditProblem | undefined;
  /** Entries checked so far and the head's hash. */
  readonly entries: number;
  readonly head: string;
}

export function createChainVerifier(checkpoints: readonly PinnedCheckpoint[]): ChainVerifier {
  const pins = [...checkpoints].sort((a, b) => a.count - b.count);
  let pinIndex = 0;
  let lastGood = 0;
  let expected = 1;
  let prevHash = GENESIS_HASH;
  let seenPage = new Map<string, number>();

  const checkLink = (rows: readonly ChainedEntry[], i: number, row: ChainedEntry): AuditProblem | undefined => {
    if (row.seq !== expected) {
      const missing = row.seq - 1 === expected ? `entry ${expected} is` : `entries ${expected} to ${row.seq - 1} are`;
      return { kind: 'deleted', seq: expected, message: `${missing} missing: the sequence jumps from ${expected - 1} to ${row.seq}` };
    }
    if (row.prevHash === prevHash) return undefined;
    const elsewhere = rows.find((r, j) => j !== i && r.hash === row.prevHash)?.seq ?? seenPage.get(row.prevHash);
    if (elsewhere !== undefined) {
      return {
        kind: 'reordered', seq: row.seq,
        message: `entry ${row.seq} is out of order: it follows the entry stored as ${elsewhere}, not entry ${row.seq - 1}`,
      };
    }
    if (row.seq === 1) {
      return { kind: 'edited', seq: 1, message: 'entry 1 does not start the chain (its previous hash is not the genesis value)' };
    }
    return {
      kind: 'relinked', seq: row.seq - 1,
      message: `entry ${row.seq - 1} was replaced: its hash was recomputed, and entry ${row.seq} still links to the original`,
    };
  };

  const checkPins = (row: ChainedEntry): AuditProblem | undefined => {
    while (pinIndex < pins.length && (pins[pinIndex] as PinnedCheckpoint).count <= row.seq) {
      const pin = pins[pinIndex] as PinnedCheckpoint;
      pinIndex += 1;
      if (pin.count < row.seq) continue; // a count below 1: nothing to compare
      if (pin.head !== row.hash) {
        return {
          kind: 'rewritten', seq: lastGood + 1,
          message: `the chain was rewritten: entry ${pin.count}'s hash is not the head signed in the checkpoint of ` +
            `${pin.signedAt} (${pin.source}); the rewrite starts between entries ${lastGood + 1} and ${pin.count}`,
        };
      }
      lastGood = pin.count;
    }
    return undefined;
  };

  return {
    feed(rows) {
      const page = new Map<string, number>();
      for (let i = 0; i < rows.length; i += 1) {
        const row = rows[i] as ChainedEntry;
        const broken = checkLink(rows, i, row);
        if (broken) return broken;
        if (entryHash(row) !== row.hash) {
          return { kind: 'edited', seq: row.seq, message: `entry ${row.seq} was edited: its content does not give its stored hash` };
        }
        const pinned = checkPins(row);
        if (pinned) return pinned;
        page.set(row.hash, row.seq);
        prevHash = row.hash;
        expected += 1;
      }
      seenPage = page;
      return undefined;
    },
    finish() {
      const beyond = pins.slice(pinIndex).find((p) => p.count > expected - 1);
      if (beyond === undefined) return undefined;
      return {
        kind: 'truncated', seq: expected,
        message: `the log ends at entry ${expected - 1} but the checkpoint of ${beyond.signedAt} (${beyond.source}) ` +
          `counted ${beyond.count}: entries ${expected} to ${beyond.count} were removed`,
      };
    },
    get entries() {
      return expected - 1;
    },
    get head() {
      return prevHash;
    },
  };
}
