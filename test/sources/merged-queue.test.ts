import { expect } from 'chai';
import { migrate } from '../../src/db/migrate.js';
import { createOutboxStore } from '../../src/outbox/outbox-store.js';
import type { RecordVersion } from '../../src/outbox/outbox-types.js';
import { keptRecords } from '../../src/sync/merged-queue.js';
import { freshDatabase, type TestDatabase } from '../setup/databases.js';

/**
 * The queue of a merged sync packed without reading back the text the run recorded
 * (src/sync/merged-queue.ts): the store decides what is queued, the text is the same bytes
 * whether it comes from memory or from the store, and past the bound it comes from the store.
 */
function version(vendorId: string, approvalId: string, extra: Partial<RecordVersion> = {}): RecordVersion {
  const soDinhDanh = `026185${vendorId.padStart(6, '0')}`;
  return {
    vendorId, approvalId, soDinhDanh, operation: 'upsert', approvedAt: '2026-10-02T02:00:00.000Z', approvedByUnit: '000.00.05.H62',
    status: 'queued', recordHash: `hash-${vendorId}-${approvalId}`,
    // Spacing and key order a jsonb column would not keep: the bytes must come back as given.
    recordJson: `{"soDinhDanh": "${soDinhDanh}",  "hoTen":"Người ${vendorId}", "a":1}`, errors: undefined, ...extra,
  };
}

describe('merged sync: the queue packed from the record text kept in memory', function () {
  this.timeout(60_000);
  let t: TestDatabase;

  beforeEach(async function () {
    t = await freshDatabase('postgres');
    await migrate(t.db);
  });
  afterEach(async function () {
    await t?.drop();
  });

  async function record(source: string, runId: string, vs: RecordVersion[]): Promise<void> {
    await createOutboxStore(t.db, source).recordVersions(runId, vs);
  }

  it('gives what the store gives, in its order, the kept text for this run and the store\'s for an earlier run', async function () {
    const store = createOutboxStore(t.db, 'tinh-a');
    const earlier = await store.startRun(false);
    await record('tinh-a', earlier, [version('9', '90')]);
    const runId = await store.startRun(false);
    const kept = keptRecords(t.db, runId, 1_000_000);
    const a = [version('1', '10'), version('2', '20'), version('3', '30', { status: 'invalid', recordHash: undefined, recordJson: undefined, errors: [{ code: 'x' }] })];
    const b = [version('4', '40', { source: 'tinh-b' })];
    await record('tinh-a', runId, a);
    kept.keep('tinh-a', a);
    await record('tinh-b', runId, b);
    kept.keep('tinh-b', b);
    const fromStore = await store.queued(100);
    const packed = await kept.queued(100, undefined);
    expect(packed).to.deep.equal(fromStore);
    expect(packed.map((v) => `${v.source}/${v.vendorId}`)).to.deep.equal(['tinh-a/9', 'tinh-a/1', 'tinh-a/2', 'tinh-b/4']);
    expect(packed[1]!.recordJson).to.equal(a[0]!.recordJson);
    expect(kept.counts).to.deep.equal({ fromMemory: 3, fromStore: 1 });
  });

  it('leaves out a version held after it was recorded (a second source approved the person)', async function () {
    const store = createOutboxStore(t.db, 'tinh-a');
    const runId = await store.startRun(false);
    const kept = keptRecords(t.db, runId, 1_000_000);
    const a = [version('1', '10'), version('2', '20')];
    await record('tinh-a', runId, a);
    kept.keep('tinh-a', a);
    await t.db.query(`UPDATE csdl_gateway.record_versions SET status = 'held' WHERE vendor_id = '1'`);
    const packed = await kept.queued(100, undefined);
    expect(packed.map((v) => v.vendorId)).to.deep.equal(['2']);
  });

  it('past its bound reads the rest from the store, the same bytes; and pages with `after`', async function () {
    const store = createOutboxStore(t.db, 'tinh-a');
    const runId = await store.startRun(false);
    const a = [version('1', '10'), version('2', '20'), version('3', '30')];
    const kept = keptRecords(t.db, runId, a[0]!.recordJson!.length + 1);
    await record('tinh-a', runId, a);
    kept.keep('tinh-a', a);
    const first = await kept.queued(2, undefined);
    const rest = await kept.queued(2, first[1]!.id);
    expect([...first, ...rest]).to.deep.equal(await store.queued(100));
    expect([...first, ...rest].map((v) => v.recordJson)).to.deep.equal(a.map((v) => v.recordJson));
    expect(kept.counts).to.deep.equal({ fromMemory: 1, fromStore: 2 });
    expect(await kept.queued(2, rest[0]!.id)).to.deep.equal([]);
  });
});
