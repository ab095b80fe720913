import { expect } from 'chai';
import type { Db } from '../../src/db/db.js';
import type { OutboxStore } from '../../src/outbox/outbox-store.js';
import { createSyncService } from '../../src/sync/sync-service.js';
import { startSyncWorld, type SyncWorld } from './sync-harness.js';

/**
 * When a sync begins its snapshot of the source (src/sync/sync-service.ts): as the run starts,
 * so the first heads are read while the store writes the run's row (headsAhead, the default);
 * or, for a source with one connection, only when collecting begins.
 */
describe('sync: the source snapshot begun ahead of the run bookkeeping, or not', function () {
  this.timeout(300_000);
  let world: SyncWorld;

  before(async function () {
    world = await startSyncWorld({ storeBackend: 'pglite' });
  });
  after(async function () {
    await world?.close();
  });

  /** What the run did, in order: the source's transactions begun and the store's first steps. */
  async function runLogged(headsAhead: boolean | undefined): Promise<string[]> {
    const order: string[] = [];
    const deps = world.deps({
      settings: headsAhead === undefined ? {} : { headsAhead },
      wrapOutbox: (outbox: OutboxStore): OutboxStore => ({
        ...outbox,
        startRun: (dryRun) => {
          order.push('store.startRun');
          return outbox.startRun(dryRun);
        },
        packetsIn: (status) => {
          order.push(`store.packetsIn(${status})`);
          return outbox.packetsIn(status);
        },
      }),
    });
    const source: Db = {
      ...deps.source,
      transaction: (fn, options) => {
        order.push('source.begin');
        return deps.source.transaction(fn, options);
      },
    };
    const summary = await createSyncService({ ...deps, source }).run({ dryRun: true });
    expect(summary.skipped).to.equal(false);
    return order;
  }

  it('by default, begins the snapshot before the run writes its row', async function () {
    const order = await runLogged(undefined);
    expect(order.indexOf('source.begin')).to.be.lessThan(order.indexOf('store.startRun'));
    expect(order.filter((o) => o === 'source.begin')).to.have.length(1);
  });

  it('with headsAhead off, begins it only once the run has written its row', async function () {
    const order = await runLogged(false);
    expect(order.indexOf('source.begin')).to.be.greaterThan(order.indexOf('store.startRun'));
    expect(order.filter((o) => o === 'source.begin')).to.have.length(1);
  });
});
