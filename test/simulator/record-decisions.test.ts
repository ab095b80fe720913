import { expect } from 'chai';
import { compareApprovedAt } from '../../src/simulator/approved-at.js';
import { decidePacket, type HeldOfficial } from '../../src/simulator/record-decisions.js';

const A = '000.00.00.H62';
const B = '000.00.00.H26';

function rec(soDinhDanh: string, approvedAt: string, operation: 'upsert' | 'archive' = 'upsert') {
  return { operation, soDinhDanh, approvedAt, data: { soDinhDanh } };
}

function held(...rows: HeldOfficial[]): Map<string, HeldOfficial> {
  return new Map(rows.map((r) => [r.soDinhDanh, r]));
}

describe('simulator: approvedAt ordering', function () {
  it('orders instants across offsets and fractions', function () {
    expect(compareApprovedAt('2026-05-27T15:12:00+07:00', '2026-05-27T08:12:00Z')).to.equal(0);
    expect(compareApprovedAt('2026-05-27T08:12:00.5Z', '2026-05-27T08:12:00.50Z')).to.equal(0);
    expect(compareApprovedAt('2026-05-27T08:12:00.000001Z', '2026-05-27T08:12:00Z')).to.be.above(0);
    expect(compareApprovedAt('2026-05-27T08:11:59.999999Z', '2026-05-27T08:12:00Z')).to.be.below(0);
    expect(compareApprovedAt('2026-05-27t08:12:00z', '2026-05-27T08:12:00Z')).to.equal(0);
  });

  it('refuses a value that is not a date-time', function () {
    expect(() => compareApprovedAt('yesterday', '2026-05-27T08:12:00Z')).to.throw(RangeError);
  });
});

describe('simulator: per-record decisions (contract README, "Push", "Receipt")', function () {
  it('accepts new officials and marks each result with its approvedAt', function () {
    const d = decidePacket([rec('1', '2026-01-01T00:00:00Z')], [[]], A, held());
    expect(d.results).to.deep.equal([{ soDinhDanh: '1', approvedAt: '2026-01-01T00:00:00Z', status: 'accepted' }]);
    expect(d.accepted).to.deep.equal([{ position: 0, soDinhDanh: '1', operation: 'upsert', approvedAt: '2026-01-01T00:00:00Z', data: { soDinhDanh: '1' } }]);
  });

  it('rejects with the validator problems before anything else', function () {
    const problem = { code: 'CODE_UNKNOWN' as const, path: '/data/danToc/ma', message: 'unknown' };
    const d = decidePacket([rec('1', '2026-01-01T00:00:00Z')], [[problem]], A, held({ soDinhDanh: '1', sender: B, approvedAt: '2027-01-01T00:00:00Z', archived: false }));
    expect(d.results[0]).to.deep.equal({ soDinhDanh: '1', approvedAt: '2026-01-01T00:00:00Z', status: 'rejected', errors: [problem] });
    expect(d.accepted).to.deep.equal([]);
  });

  it('rejects DUPLICATE_IDENTITY for an official another sender holds, not once archived there', function () {
    const other = { soDinhDanh: '1', sender: B, approvedAt: '2025-01-01T00:00:00Z', archived: false };
    const refused = decidePacket([rec('1', '2026-01-01T00:00:00Z')], [[]], A, held(other));
    expect(refused.results[0]?.status).to.equal('rejected');
    expect(refused.results[0]?.errors?.[0]?.code).to.equal('DUPLICATE_IDENTITY');
    const taken = decidePacket([rec('1', '2026-01-01T00:00:00Z')], [[]], A, held({ ...other, archived: true }));
    expect(taken.results[0]?.status).to.equal('accepted');
  });

  it('answers stale for an approvedAt equal to or before the held one, including earlier in the same packet', function () {
    const mine = { soDinhDanh: '1', sender: A, approvedAt: '2026-01-02T00:00:00Z', archived: false };
    const d = decidePacket(
      [rec('1', '2026-01-02T00:00:00Z'), rec('1', '2026-01-03T00:00:00Z', 'archive'), rec('1', '2026-01-03T00:00:00Z'), rec('1', '2026-01-01T00:00:00Z')],
      [[], [], [], []],
      A,
      held(mine),
    );
    expect(d.results.map((r) => r.status)).to.deep.equal(['stale', 'accepted', 'stale', 'stale']);
    expect(d.accepted.map((a) => [a.position, a.operation])).to.deep.equal([[1, 'archive']]);
  });

  it('does not change the held map it was given', function () {
    const given = held();
    decidePacket([rec('1', '2026-01-01T00:00:00Z')], [[]], A, given);
    expect(given.size).to.equal(0);
  });
});
