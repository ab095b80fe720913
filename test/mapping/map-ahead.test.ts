import { expect } from 'chai';
import { mapAhead } from '../../src/mapping/map-ahead.js';

/**
 * mapAhead without a database or threads: every promise is one the test settles itself, and
 * "later" means "after every pending microtask has run" (flush), never a duration.
 */
interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets every pending promise reaction run: setImmediate fires only once the microtask queue is empty. */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A source of 0..n-1 that records what it yielded and whether its finally ran. */
function countingSource(n: number, before?: (i: number) => Promise<void> | void) {
  const state = { pulled: 0, closed: false };
  async function* items(): AsyncGenerator<number> {
    try {
      for (let i = 0; i < n; i++) {
        await before?.(i);
        state.pulled += 1;
        yield i;
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, source: items() };
}

async function collect<R>(results: AsyncIterable<R>): Promise<R[]> {
  const out: R[] = [];
  for await (const r of results) out.push(r);
  return out;
}

describe('mapAhead', function () {
  it('yields the results in the source order when later items finish first', async function () {
    const pending = new Map<number, Deferred<string>>();
    const { source } = countingSource(5);
    const received: string[] = [];
    const done = (async () => {
      for await (const r of mapAhead(source, (i) => {
        const d = deferred<string>();
        pending.set(i, d);
        return d.promise;
      }, 5)) received.push(r);
    })();
    await flush();
    expect([...pending.keys()]).to.deep.equal([0, 1, 2, 3, 4]);
    for (const i of [4, 3, 1, 2]) {
      pending.get(i)?.resolve(`r${i}`);
      await flush();
      expect(received, `after resolving ${i}`).to.deep.equal([]);
    }
    pending.get(0)?.resolve('r0');
    await done;
    expect(received).to.deep.equal(['r0', 'r1', 'r2', 'r3', 'r4']);
  });

  for (const depth of [1, 3]) {
    it(`never has more than depth (${depth}) items started beyond those the consumer asked for`, async function () {
      const n = 10;
      let asked = 0;
      let started = 0;
      let most = 0;
      const { state, source } = countingSource(n, () => {
        most = Math.max(most, state.pulled + 1 - asked);
      });
      const results = mapAhead(source, (i) => {
        started += 1;
        most = Math.max(most, started - asked);
        return Promise.resolve(i * 10);
      }, depth);
      const it = results[Symbol.asyncIterator]();
      const received: number[] = [];
      for (;;) {
        asked += 1;
        const next = await it.next();
        if (next.done) break;
        received.push(next.value);
        // A slow consumer: it holds this item until the test releases it, and meanwhile the
        // source is pulled ahead exactly `depth` items, no more.
        const release = deferred<void>();
        const holding = release.promise;
        await flush();
        expect(started, `started while holding item ${next.value}`).to.equal(Math.min(asked + depth, n));
        expect(state.pulled, `pulled while holding item ${next.value}`).to.equal(Math.min(asked + depth, n));
        release.resolve();
        await holding;
      }
      expect(received).to.deep.equal([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
      expect(most).to.equal(depth);
      expect(state.closed).to.equal(true);
    });
  }

  it('surfaces a rejection of fn for item k after the results before k, then closes the source', async function () {
    const pending = new Map<number, Deferred<number>>();
    const { state, source } = countingSource(10);
    const received: number[] = [];
    const boom = new Error('item 2 failed');
    const done = (async () => {
      for await (const r of mapAhead(source, (i) => {
        const d = deferred<number>();
        pending.set(i, d);
        return d.promise;
      }, 4)) received.push(r);
    })();
    await flush();
    // Item 2 fails before 0 and 1 are done: the consumer still sees 0 and 1 first.
    pending.get(2)?.reject(boom);
    await flush();
    expect(received).to.deep.equal([]);
    pending.get(0)?.resolve(0);
    pending.get(1)?.resolve(1);
    for (const [i, d] of pending) if (i > 2) d.resolve(i);
    const err = await done.then(() => undefined, (e: unknown) => e);
    expect(err).to.equal(boom);
    expect(received).to.deep.equal([0, 1]);
    expect(state.closed).to.equal(true);
    const calls = pending.size;
    await flush();
    expect(pending.size, 'fn called after the failure was seen').to.equal(calls);
    // Asked for items 0, 1 and 2, with depth 4.
    expect(calls).to.be.at.most(3 + 4);
  });

  it('surfaces a throw of the source after the results of the items it yielded', async function () {
    const boom = new Error('source broke');
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      yield 2;
      throw boom;
    }
    const pending = new Map<number, Deferred<number>>();
    const received: number[] = [];
    const done = (async () => {
      for await (const r of mapAhead(failing(), (i) => {
        const d = deferred<number>();
        pending.set(i, d);
        return d.promise;
      }, 4)) received.push(r);
    })();
    await flush();
    // The source has already thrown; the results of 1 and 2 are still due first.
    pending.get(2)?.resolve(20);
    await flush();
    expect(received).to.deep.equal([]);
    pending.get(1)?.resolve(10);
    const err = await done.then(() => undefined, (e: unknown) => e);
    expect(err).to.equal(boom);
    expect(received).to.deep.equal([10, 20]);
  });

  it('on a break, runs the source finally and calls fn no more', async function () {
    const { state, source } = countingSource(100);
    const mapped: number[] = [];
    const received: number[] = [];
    let callsAtBreak = -1;
    for await (const r of mapAhead(source, (i) => {
      mapped.push(i);
      return Promise.resolve(i);
    }, 2)) {
      received.push(r);
      await flush();
      callsAtBreak = mapped.length;
      break;
    }
    expect(received).to.deep.equal([0]);
    expect(state.closed).to.equal(true);
    await flush();
    expect(mapped).to.have.length(callsAtBreak);
    expect(mapped).to.deep.equal([0, 1, 2]);
  });

  it('on a break while the source is fetching its next item, does not map that item', async function () {
    const gate = deferred<void>();
    // Items 0 and 1 come at once; item 2 waits for the gate (a slow page of the database).
    const { state, source } = countingSource(10, (i) => (i === 2 ? gate.promise : undefined));
    const mapped: number[] = [];
    const results = mapAhead(source, (i) => {
      mapped.push(i);
      return Promise.resolve(i);
    }, 2);
    const it = results[Symbol.asyncIterator]();
    expect(await it.next()).to.deep.equal({ done: false, value: 0 });
    await flush();
    expect(mapped).to.deep.equal([0, 1]);
    // The consumer stops (what `break` does) while the pump waits for item 2.
    const stopping = it.return?.(undefined);
    await flush();
    gate.resolve();
    await stopping;
    expect(state.closed).to.equal(true);
    expect(mapped, 'fn called after the consumer stopped').to.deep.equal([0, 1]);
  });

  it('ends at once on an empty source without calling fn', async function () {
    const { state, source } = countingSource(0);
    let calls = 0;
    const out = await collect(mapAhead(source, (i: number) => {
      calls += 1;
      return Promise.resolve(i);
    }, 3));
    expect(out).to.deep.equal([]);
    expect(calls).to.equal(0);
    expect(state.closed).to.equal(true);
  });
});
