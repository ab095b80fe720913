import { expect } from 'chai';
import { decideOwnership, differingPaths, type Candidate, type Owner } from '../../src/sources/ownership-rule.js';
import { sourcesWarnings } from '../../src/sources/sources-readiness.js';

const B: Candidate = { source: 'tinh-b', vendorId: '7', operation: 'upsert', approvedAt: '2026-11-02T03:00:00Z' };
const A_ACTIVE: Owner = { source: 'tinh-a', vendorId: '12', departed: false };

describe('sources: who speaks for a person (ownership rule)', function () {
  it('a person nobody owns, or the owner itself, is sent', function () {
    expect(decideOwnership(B, undefined, false, 'manual')).to.deep.equal({ kind: 'send', owner: { source: 'tinh-b', vendorId: '7', departed: false }, moved: false });
    expect(decideOwnership({ ...B, operation: 'archive' }, { source: 'tinh-b', vendorId: '7', departed: false }, false, 'manual'))
      .to.deep.equal({ kind: 'send', owner: { source: 'tinh-b', vendorId: '7', departed: true }, moved: false });
  });

  it('a second source approving a person its owner holds in service is a conflict; nothing more is sent while it is open', function () {
    expect(decideOwnership(B, A_ACTIVE, false, 'manual')).to.deep.equal({ kind: 'conflict' });
    expect(decideOwnership({ ...B, source: 'tinh-a', vendorId: '12' }, A_ACTIVE, true, 'manual')).to.deep.equal({ kind: 'hold' });
  });

  it('after the owner said the official left, another source takes the person over (a move), not a conflict', function () {
    expect(decideOwnership(B, { ...A_ACTIVE, departed: true }, false, 'manual')).to.deep.equal({ kind: 'send', owner: { source: 'tinh-b', vendorId: '7', departed: false }, moved: true });
  });

  it('a non-owner saying the official left is held: the owner speaks for them', function () {
    expect(decideOwnership({ ...B, operation: 'archive' }, A_ACTIVE, false, 'manual')).to.deep.equal({ kind: 'hold' });
  });

  it('latest-approval settles at once for the later approval', function () {
    expect(decideOwnership(B, A_ACTIVE, false, 'latest-approval', '2026-11-01T00:00:00Z')).to.deep.include({ kind: 'policy', winner: 'candidate' });
    expect(decideOwnership(B, A_ACTIVE, false, 'latest-approval', '2026-11-03T00:00:00Z')).to.deep.include({ kind: 'policy', winner: 'owner' });
  });

  it('names the differing paths only, never the values', function () {
    const a = { hoTen: 'Nguyễn Văn A', congTac: { donVi: 'X', chucVu: 'CV' }, qua: [{ nam: 2020 }], same: 1 };
    const b = { hoTen: 'Nguyễn Văn A', congTac: { donVi: 'Y', chucVu: 'CV' }, qua: [{ nam: 2020 }, { nam: 2021 }], same: 1, moi: 'a/b' };
    const paths = differingPaths(a, b);
    expect(paths).to.deep.equal(['/congTac/donVi', '/moi', '/qua/1']);
    expect(JSON.stringify(paths)).not.to.include('Y');
    expect(differingPaths({ 'a/b': 1 }, { 'a/b': 2 })).to.deep.equal(['/a~1b']);
  });
});

describe('sources: /readyz warnings', function () {
  const base = { failed: [], openConflicts: 0, oldestOpenConflict: undefined, now: new Date('2026-12-07T03:00:00Z'), workingDaysBetween: () => 0 };
  it('names each source the last sync could not read, with why', function () {
    expect(sourcesWarnings({ ...base, failed: [{ source: 'tinh-b', error: 'db.unreachable: source tinh-b: cannot reach' }] }))
      .to.deep.equal(['source tinh-b could not be read by the last sync, its people wait: db.unreachable: source tinh-b: cannot reach']);
  });
  it('warns about conflicts only once one is older than a working day', function () {
    const old = new Date('2026-12-01T03:00:00Z');
    expect(sourcesWarnings({ ...base, openConflicts: 2, oldestOpenConflict: old, workingDaysBetween: () => 1 })).to.deep.equal([]);
    expect(sourcesWarnings({ ...base, openConflicts: 2, oldestOpenConflict: old, workingDaysBetween: () => 4 })[0]).to.include('2 person(s) approved by two sources');
  });
});
