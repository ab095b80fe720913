import { expect } from 'chai';
import { migrate } from '../../src/db/migrate.js';
import { createOutboxStore } from '../../src/outbox/outbox-store.js';
import type { RecordVersion } from '../../src/outbox/outbox-types.js';
import { createOwnershipStore, type OwnershipStore } from '../../src/sources/ownership-store.js';
import { freshDatabase, type TestDatabase } from '../setup/databases.js';

/**
 * Which of a merged sync's due people may be streamed as one source streams them
 * (ownership-store.ts `streamable`, `claim`): only a person no other source approves this run,
 * whom no other source or vendor id owns, with no open conflict and nothing waiting in the store.
 */
const SDD = (n: number): string => `026185${String(n).padStart(6, '0')}`;

function version(source: string, vendorId: string, sdd: string, extra: Partial<RecordVersion> = {}): RecordVersion {
  return {
    source, vendorId, approvalId: '10', soDinhDanh: sdd, operation: 'upsert', approvedAt: '2026-11-02T02:00:00.000Z', approvedByUnit: '000.00.05.H62',
    status: 'queued', recordHash: `hash-${source}-${vendorId}`, recordJson: JSON.stringify({ soDinhDanh: sdd }), errors: undefined, ...extra,
  };
}

describe('merged province: which people stream, and claiming them (real PostgreSQL)', function () {
  this.timeout(60_000);
  let t: TestDatabase;
  let ownership: OwnershipStore;
  let runId: string;

  beforeEach(async function () {
    t = await freshDatabase('postgres');
    await migrate(t.db);
    ownership = createOwnershipStore(t.db, { policy: 'manual' });
    runId = await createOutboxStore(t.db, 'tinh-a').startRun(false);
  });
  afterEach(async function () {
    await t?.drop();
  });

  it('streams a person of one source only; not one two sources approve, one owned elsewhere, one in conflict or one waiting in the queue', async function () {
    // SDD(1): tinh-a's own, sent before (accepted), so tinh-a owns it: streams for tinh-a.
    // SDD(2): owned by tinh-a, now due in tinh-b only: not streamed (a move or a conflict to decide).
    await ownership.record('tinh-a', runId, [version('tinh-a', 'a1', SDD(1)), version('tinh-a', 'a2', SDD(2))]);
    await t.db.query("UPDATE csdl_gateway.record_versions SET status = 'accepted'");
    // SDD(3): a version of tinh-a still queued from an earlier run: never streamed (it is older).
    await ownership.record('tinh-a', runId, [version('tinh-a', 'a3', SDD(3))]);
    // SDD(4): an open conflict.
    await t.db.query(`INSERT INTO csdl_gateway.source_conflicts (so_dinh_danh, sides, fields) VALUES ($1, '[]', NULL)`, [SDD(4)]);
    const due = new Map([
      ['tinh-a', new Map([['a1', SDD(1)], ['a3', SDD(3)], ['a5', SDD(5)], ['a6', SDD(6)], ['a4', SDD(4)]])],
      // SDD(5) is due in both sources; SDD(7) only in tinh-b and nobody owns it.
      ['tinh-b', new Map([['b2', SDD(2)], ['b5', SDD(5)], ['b7', SDD(7)]])],
    ]);
    const { streamed, owned } = await ownership.streamable(due);
    expect([...streamed.get('tinh-a')!.keys()].sort()).to.deep.equal(['a1', 'a6']);
    expect([...streamed.get('tinh-b')!.keys()]).to.deep.equal(['b7']);
    // SDD(1) has an owner row (recorded through ownership): it follows what is sent.
    expect([...owned]).to.deep.equal([SDD(1)]);
    // Another vendor id of the same source owning the số định danh is not free either.
    const other = await ownership.streamable(new Map([['tinh-a', new Map([['a9', SDD(1)]])]]));
    expect(other.streamed.get('tinh-a')!.size).to.equal(0);
  });

  it('keeps an owner row in step with what its source streams, and counts a person streamed elsewhere this run as owned', async function () {
    await ownership.record('tinh-a', runId, [version('tinh-a', 'a1', SDD(1))]);
    await ownership.keepOwners('tinh-a', [version('tinh-a', 'a1', SDD(1), { operation: 'archive' })]);
    const row = await t.db.query<{ source: string; departed: boolean }>('SELECT source, departed FROM csdl_gateway.person_owners WHERE so_dinh_danh = $1', [SDD(1)]);
    expect(row.rows).to.deep.equal([{ source: 'tinh-a', departed: true }]);
    // tinh-a streamed SDD(8) this run (no owner row, its packet maybe not stored yet); tinh-b records the same person.
    const counts = await ownership.record('tinh-b', runId, [version('tinh-b', 'b8', SDD(8))], new Map([[SDD(8), { source: 'tinh-a', vendorId: 'a8', departed: false }]]));
    expect(counts.conflicts).to.equal(1);
    const held = await t.db.query<{ source: string; status: string }>('SELECT source, status FROM csdl_gateway.record_versions WHERE so_dinh_danh = $1', [SDD(8)]);
    expect(held.rows).to.deep.equal([{ source: 'tinh-b', status: 'held' }]);
    const conflict = await t.db.query<{ sides: { source: string }[] }>('SELECT sides FROM csdl_gateway.source_conflicts WHERE so_dinh_danh = $1', [SDD(8)]);
    expect(conflict.rows[0]!.sides.map((x) => x.source)).to.deep.equal(['tinh-a', 'tinh-b']);
  });
});
