import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * Who carries a pull on: the claim a pull writes on its transfer while it is `requested`
 * (migration 012). Recovery finishes or rolls back a transfer only when its claim has
 * expired or its process is known dead: a process on this host whose pid is gone, or an
 * earlier life of this very process (same pid, another instance id: a container restarted).
 * A claim from another host holds until it expires (TransferServiceDeps.claimSeconds).
 */
export interface PullClaimant {
  /** `host:pid:instance`, written as the transfer's `claimed_by`. */
  readonly id: string;
  /** Whether the process that wrote `claimedBy` may still be carrying its pull on. */
  mayBeAlive(claimedBy: string): boolean;
}

export interface ProcessProbe {
  host: string;
  pid: number;
  /** Whether a process with this pid exists on this host. */
  exists(pid: number): boolean;
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, owned by someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function processClaimant(probe: ProcessProbe = { host: hostname(), pid: process.pid, exists: pidExists }): PullClaimant {
  const id = `${probe.host}:${probe.pid}:${randomUUID().slice(0, 8)}`;
  return {
    id,
    mayBeAlive(claimedBy) {
      if (claimedBy === id) return true;
      const match = /^(.*):(\d+):([0-9a-f]+)$/.exec(claimedBy);
      if (!match || match[1] !== probe.host) return true;
      const pid = Number(match[2]);
      if (pid === probe.pid) return false;
      return probe.exists(pid);
    },
  };
}
