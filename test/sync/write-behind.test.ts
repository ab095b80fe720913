import { expect } from 'chai';
import { writeBehind } from '../../src/sync/write-behind.js';

const tick = (ms = 5): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('sync: write-behind', function () {
  it('runs batches one at a time in the order pushed, the caller going on while at most `depth` wait', async function () {
    const behind = writeBehind(2);
    const log: string[] = [];
    let running = 0;
    const batch = (name: string) => async () => {
      running += 1;
      expect(running).to.equal(1);
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
      running -= 1;
    };
    await behind.push(batch('a'));
    await behind.push(batch('b'));
    log.push('caller went on');
    await behind.push(batch('c')); // a third waiting: the caller waits for the oldest
    expect(log).to.include('end a');
    await behind.drain();
    expect(log.filter((l) => l !== 'caller went on')).to.deep.equal(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(log.indexOf('caller went on')).to.be.lessThan(log.indexOf('end b'));
  });

  it('stops at the first failure: later batches never run, and the next push or the drain throws it', async function () {
    const behind = writeBehind(1);
    const ran: string[] = [];
    await behind.push(async () => {
      await tick();
      throw new Error('store refused');
    });
    const second = await behind.push(async () => void ran.push('second')).then(() => undefined, (err: Error) => err.message);
    const third = await behind.push(async () => void ran.push('third')).then(() => undefined, (err: Error) => err.message);
    expect([second, third].filter(Boolean)).to.include('store refused');
    expect(ran).to.deep.equal([]);
    const drained = await behind.drain().then(() => 'ok', (err: Error) => err.message);
    expect(drained).to.equal('store refused');
  });
});
