import { expect } from 'chai';
import { createRateLeases, sliceOf, type LeaseAnswer, type LeaseStatement } from '../../src/share/rate-leases.js';

/**
 * The per-process slices of a client's rate budget, against a fake store that keeps one
 * window per client as the share_rate row does, on a clock the test moves. The store's clock
 * and the processes' monotonic clocks are the same here (ms); the real one is covered by
 * test/share/two-processes.test.ts on PostgreSQL.
 */
function fakeStore(now: () => number) {
  const rows = new Map<string, { window: number; count: number }>();
  const calls: { agencyCode: string; want: number }[] = [];
  const lease: LeaseStatement = async (agencyCode, want, limit, sending) => {
    calls.push({ agencyCode, want });
    sending();
    await Promise.resolve();
    const t = now() / 1000;
    const window = Math.floor(t);
    const row = rows.get(agencyCode);
    let granted: number;
    if (!row || row.window < window) {
      granted = Math.min(want, limit);
      rows.set(agencyCode, { window, count: granted });
    } else {
      const next = Math.max(row.count, Math.min(row.count + want, limit));
      granted = next - row.count;
      row.count = next;
    }
    const answer: LeaseAnswer = { granted, count: rows.get(agencyCode)!.count, windowStart: rows.get(agencyCode)!.window, now: t };
    return answer;
  };
  return { lease, calls, rows };
}

describe('share: rate leases (a process answers from its slice of the budget)', function () {
  it('asks the store once per slice, not once per request', async function () {
    let t = 10_000;
    const store = fakeStore(() => t);
    const leases = createRateLeases(store.lease, { clock: () => t });
    const results: boolean[] = [];
    for (let i = 0; i < 100; i += 1) results.push(await leases.admit('A', 1000));
    expect(results.every(Boolean)).to.equal(true);
    expect(sliceOf(1000)).to.equal(50);
    expect(store.calls).to.have.length(2);
    t += 1000; // the next window: the old slice's rest is void
    expect(await leases.admit('A', 1000)).to.equal(true);
    expect(store.calls).to.have.length(3);
    expect(store.rows.get('A')).to.deep.equal({ window: 11, count: 50 });
  });

  it('two processes together never admit more than the limit in one window, and refuse without asking once it is spent', async function () {
    let t = 20_000;
    const store = fakeStore(() => t);
    const a = createRateLeases(store.lease, { clock: () => t });
    const b = createRateLeases(store.lease, { clock: () => t });
    const limit = 40;
    const replies = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).admit('A', limit)));
    expect(replies.filter(Boolean)).to.have.length(limit);
    const asked = store.calls.length;
    expect(await a.admit('A', limit)).to.equal(false);
    expect(await b.admit('A', limit)).to.equal(false);
    expect(store.calls.length, 'a spent window is refused from memory').to.be.at.most(asked + 2);
    const again = store.calls.length;
    expect(await a.admit('A', limit)).to.equal(false);
    expect(store.calls.length).to.equal(again);
    t += 1000;
    expect(await a.admit('A', limit)).to.equal(true);
  });

  it('concurrent requests of one client wait for one lease statement in flight', async function () {
    const t = 30_000;
    const store = fakeStore(() => t);
    const leases = createRateLeases(store.lease, { clock: () => t });
    const replies = await Promise.all(Array.from({ length: 20 }, () => leases.admit('A', 400)));
    expect(replies.every(Boolean)).to.equal(true);
    expect(store.calls).to.have.length(1);
    expect(store.calls[0]!.want).to.equal(20);
  });

  it('a limit under 20 leases one request at a time; clients are counted apart', async function () {
    const t = 40_000;
    const store = fakeStore(() => t);
    const leases = createRateLeases(store.lease, { clock: () => t });
    const a = await Promise.all(Array.from({ length: 8 }, () => leases.admit('A', 5)));
    const b = await Promise.all(Array.from({ length: 3 }, () => leases.admit('B', 5)));
    expect(a.filter(Boolean)).to.have.length(5);
    expect(b.every(Boolean)).to.equal(true);
    expect(store.calls.filter((c) => c.agencyCode === 'A').every((c) => c.want === 1)).to.equal(true);
  });

  it('a slice ends no later than its window on the store\'s clock, judged from when the statement was sent', async function () {
    let t = 50_900; // 100 ms before the window ends
    const store = fakeStore(() => t);
    const slow: LeaseStatement = async (code, want, limit, sending) => {
      sending();
      t += 20; // the statement takes 20 ms: the store reads its clock at 50.920, after the process sent it at 50.900
      return store.lease(code, want, limit, () => undefined);
    };
    const leases = createRateLeases(slow, { clock: () => t });
    expect(await leases.admit('A', 1000)).to.equal(true);
    t = 50_970;
    expect(await leases.admit('A', 1000)).to.equal(true);
    expect(store.calls).to.have.length(1);
    // Void from 50.900 + (51 - 50.920) s = 50.980 on this clock, before the store's window ends at 51.000.
    t = 50_985;
    expect(await leases.admit('A', 1000)).to.equal(true);
    expect(store.calls).to.have.length(2);
    expect(store.rows.get('A')).to.deep.equal({ window: 51, count: 50 });
  });

  it('a wait for a pooled connection before the statement goes out does not shorten the slice (no 429 far under the rate)', async function () {
    let t = 70_200;
    const store = fakeStore(() => t);
    const pooled: LeaseStatement = async (code, want, limit, sending) => {
      t += 950; // 950 ms waiting for a connection: the statement goes out at 71.150
      return store.lease(code, want, limit, sending);
    };
    const leases = createRateLeases(pooled, { clock: () => t });
    // Judged from 70.200, the slice of window 71 would end at 71.050, before it arrived: void,
    // and so would the next two, each sent a second late; the request was refused.
    expect(await leases.admit('A', 1000)).to.equal(true);
    expect(store.calls).to.have.length(1);
    t = 71_900;
    expect(await leases.admit('A', 1000)).to.equal(true);
    expect(store.calls).to.have.length(1);
  });

  it('a statement that comes after its window grants nothing and is asked again; never more than three per request', async function () {
    const t = 60_000;
    const answers: LeaseAnswer[] = [
      { granted: 0, count: 3, windowStart: 60, now: 60.5 },
      { granted: 2, count: 5, windowStart: 60, now: 60.5 },
    ];
    let calls = 0;
    const leases = createRateLeases(async () => answers[calls++]!, { clock: () => t });
    expect(await leases.admit('A', 10)).to.equal(true);
    expect(calls).to.equal(2);
    let asked = 0;
    const late = createRateLeases(async () => {
      asked += 1;
      return { granted: 0, count: 0, windowStart: 59, now: 60.1 };
    }, { clock: () => t });
    expect(await late.admit('A', 10)).to.equal(false);
    expect(asked).to.equal(3);
  });
});
