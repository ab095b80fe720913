import { expect } from 'chai';
import type { Db, Queryable } from '../../src/db/db.js';
import { holdTransaction } from '../../src/db/held-transaction.js';

/** A Db whose transaction logs what happens to it, as db.transaction does: commit, or roll back on a throw. */
function loggingDb(log: string[], beginFails?: Error): Pick<Db, 'transaction'> {
  const tx = { query: async () => ({ rows: [] }) } as unknown as Queryable;
  return {
    async transaction(fn) {
      if (beginFails) throw beginFails;
      log.push('begin');
      try {
        const result = await fn(tx);
        log.push('commit');
        return result;
      } catch (err) {
        log.push('rollback');
        throw err;
      }
    },
  };
}

describe('db: a transaction held open for later use', function () {
  it('runs ahead at once, then the work in the same transaction, and commits when the work ends', async function () {
    const log: string[] = [];
    const held = holdTransaction(loggingDb(log), {}, (tx) => {
      log.push('ahead');
      return tx;
    });
    await new Promise((r) => setImmediate(r));
    expect(log).to.deep.equal(['begin', 'ahead']);
    const result = await held.use(async (tx, ahead) => {
      log.push('work');
      expect(ahead).to.equal(tx);
      return 42;
    });
    expect(result).to.equal(42);
    expect(log).to.deep.equal(['begin', 'ahead', 'work', 'commit']);
    await held.end(); // after use: nothing more
    expect(log).to.deep.equal(['begin', 'ahead', 'work', 'commit']);
  });

  it('rolls back and rethrows when the work throws', async function () {
    const log: string[] = [];
    const held = holdTransaction(loggingDb(log), {}, () => undefined);
    const boom = new Error('boom');
    let caught: unknown;
    await held.use(async () => {
      throw boom;
    }).catch((err: unknown) => {
      caught = err;
    });
    expect(caught).to.equal(boom);
    expect(log).to.deep.equal(['begin', 'rollback']);
  });

  it('ends unused when the caller stops first, and cannot be used after', async function () {
    const log: string[] = [];
    const held = holdTransaction(loggingDb(log), {}, () => undefined);
    await held.end();
    expect(log).to.deep.equal(['begin', 'commit']);
    let caught: unknown;
    await held.use(async () => 1).catch((err: unknown) => {
      caught = err;
    });
    expect(caught).to.be.an('error');
  });

  it('reports a transaction that could not begin to use(), and not before', async function () {
    const down = new Error('source unreachable');
    let unhandled: unknown;
    const onUnhandled = (err: unknown) => {
      unhandled = err;
    };
    process.on('unhandledRejection', onUnhandled);
    try {
      const held = holdTransaction(loggingDb([], down), {}, () => undefined);
      await new Promise((r) => setTimeout(r, 10));
      let caught: unknown;
      await held.use(async () => 1).catch((err: unknown) => {
        caught = err;
      });
      expect(caught).to.equal(down);
      await held.end();
      expect(unhandled).to.equal(undefined);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
