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
  ];
}
