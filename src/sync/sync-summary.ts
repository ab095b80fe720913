/** What one sync did, printed by `csdl-gateway sync` and stored with the run. */
export interface SyncSummary {
  skipped: boolean;
  due: number;
  queued: number;
  unchanged: number;
  invalid: number;
  packetsBuilt: number;
  packetsSent: number;
  packetsFailed: number;
  packetsPending: number;
  receiptsPending: number;
  accepted: number;
  stale: number;
  rejected: number;
  /** A merged province's sources that failed this run (their people wait); absent for one source. */
  sourcesFailed?: { source: string; error: string }[];
  /** A merged province: people two sources approve (new conflicts this run), versions held back, people moved between sources. */
  conflicts?: number;
  held?: number;
  moved?: number;
}

export function emptySummary(): SyncSummary {
  return {
    skipped: false, due: 0, queued: 0, unchanged: 0, invalid: 0, packetsBuilt: 0, packetsSent: 0,
    packetsFailed: 0, packetsPending: 0, receiptsPending: 0, accepted: 0, stale: 0, rejected: 0,
  };
}

export function formatSummary(s: SyncSummary): string[] {
  if (s.skipped) return ['sync skipped: another sync is running'];
  return [
    `due ${s.due} (queued ${s.queued}, unchanged ${s.unchanged}, invalid ${s.invalid})`,
    `packets built ${s.packetsBuilt}, sent ${s.packetsSent}, failed ${s.packetsFailed}, still pending ${s.packetsPending}`,
    `records accepted ${s.accepted}, stale ${s.stale}, rejected ${s.rejected}` +
      (s.receiptsPending ? `; ${s.receiptsPending} receipts not final yet` : ''),
    ...(s.conflicts || s.held || s.moved
      ? [`sources: ${s.conflicts ?? 0} new conflict(s), ${s.held ?? 0} version(s) held, ${s.moved ?? 0} moved between sources` +
        ((s.conflicts ?? 0) > 0 ? ' (xung đột nguồn: csdl-gateway tx conflicts)' : '')]
      : []),
    ...(s.sourcesFailed ?? []).map((f) => `source ${f.source} failed, its people wait for the next sync (nguồn lỗi, chờ lần sau): ${f.error}`),
  ];
}

/** `csdl-gateway sync` exit codes: sysexits' EX_TEMPFAIL for work left for a later run. */
export const SYNC_EXIT = Object.freeze({ done: 0, error: 1, pending: 75 });

/**
 * How a sync ended, for scripts and schedulers: 1 when a packet was refused for good (a
 * person must look); 75 when packets stay pending because the national side was unavailable,
 * or another sync held the lock (try again later); 0 otherwise. Receipts not final yet are
 * routine (the national side is working on them; the next sync lands them): still 0.
 */
export function syncExitCode(s: SyncSummary): number {
  if (s.packetsFailed > 0) return SYNC_EXIT.error;
  if (s.skipped || s.packetsPending > 0 || (s.sourcesFailed?.length ?? 0) > 0) return SYNC_EXIT.pending;
  return SYNC_EXIT.done;
}
