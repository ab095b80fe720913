import { expect } from 'chai';
import { emptySummary, syncExitCode, type SyncSummary } from '../../src/sync/sync-summary.js';

/** `csdl-gateway sync`'s exit status from its summary (the command's usage lists them). */
describe('sync exit code', () => {
  const cases: [string, Partial<SyncSummary>, number][] = [
    ['all went through', { due: 3, packetsBuilt: 1, packetsSent: 1, accepted: 3 }, 0],
    ['nothing due', {}, 0],
    ['receipts not final yet: routine, the next sync lands them', { packetsSent: 2, receiptsPending: 2 }, 0],
    ['packets left pending by an outage', { packetsSent: 1, packetsPending: 2 }, 75],
    ['another sync held the lock', { skipped: true }, 75],
    ['a packet refused for good', { packetsSent: 1, packetsFailed: 1 }, 1],
    ['refused and pending: the refusal needs a person first', { packetsFailed: 1, packetsPending: 1 }, 1],
  ];
  for (const [what, fields, code] of cases) {
    it(`${what}: ${code}`, () => {
      expect(syncExitCode({ ...emptySummary(), ...fields })).to.equal(code);
    });
  }
});
