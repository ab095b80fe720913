import { expect } from 'chai';
import { runClients } from '../../src/cli/commands/clients-command.js';
import type { CliIo } from '../../src/cli/command.js';
import { createDb, type Db } from '../../src/db/db.js';
import { createClientStore } from '../../src/share/client-store.js';
import { startShareWorld, type ShareApp, type ShareWorld } from './share-harness.js';

/**
 * Several gateway processes behind a load balancer on one PostgreSQL store: two HTTP apps,
 * each with its own pool and its own audit log, as two processes would have. Tokens,
 * revocations and the rate limit hold across them because every check reads the store.
 */
describe('share: two gateway processes on one PostgreSQL store', function () {
  this.timeout(120_000);
  let w: ShareWorld;
  let pools: Db[];
  let a: ShareApp;
  let b: ShareApp;
  let person: string;

  before(async function () {
    w = await startShareWorld('postgres', 10);
    await w.refresh();
    pools = [createDb(w.sync.store.url, { max: 4 }), createDb(w.sync.store.url, { max: 4 })];
    a = await w.startApp(pools[0]);
    b = await w.startApp(pools[1]);
    person = (await w.sync.store.db.query<{ so_dinh_danh: string }>('SELECT so_dinh_danh FROM csdl_gateway.shared_records LIMIT 1')).rows[0]!.so_dinh_danh;
  });
  after(async function () {
    await w?.close();
    for (const p of pools ?? []) await p.close();
  });

  const io = (): CliIo & { lines: string[] } => {
    const lines: string[] = [];
    return { lines, out: (l) => lines.push(l), err: (l) => lines.push(l), isTty: false };
  };

  it('a token issued by one process is accepted by the other; a revocation through one is refused by the other at once', async function () {
    const { secret } = await w.client('000.00.00.G12', {}, pools[0]);
    const token = (await a.token('000.00.00.G12', secret)).body.access_token as string;
    expect((await b.get(`/share/v1/officials/${person}`, { token })).status).to.equal(200);
    expect((await a.get(`/share/v1/officials/${person}`, { token })).status).to.equal(200);
    // Revoked through process B's store connection, as `clients revoke` on another host would.
    expect(await runClients(['revoke', '000.00.00.G12'], io(), pools[1]!)).to.equal(0);
    const refused = await a.get(`/share/v1/officials/${person}`, { token });
    expect(refused.status).to.equal(401);
    expect(refused.body.code).to.equal('share.token_invalid');
  });

  it('a revoked grant is refused by the other process on the next request', async function () {
    const { secret, grantId } = await w.client('000.00.00.G13', {}, pools[1]);
    const token = (await b.token('000.00.00.G13', secret)).body.access_token as string;
    expect((await a.get(`/share/v1/officials/${person}`, { token })).status).to.equal(200);
    expect(await runClients(['revoke', '000.00.00.G13', '--grant', grantId], io(), pools[1]!)).to.equal(0);
    expect((await a.get(`/share/v1/officials/${person}`, { token })).body.code).to.equal('share.route_not_granted');
  });

  it('the rate limit is one counter for both processes', async function () {
    const limit = 5;
    const { secret } = await w.client('000.00.00.G14', { ratePerSecond: limit });
    const token = (await a.token('000.00.00.G14', secret)).body.access_token as string;
    const second = async () => Number((await w.sync.store.db.query<{ s: string }>('SELECT floor(extract(epoch FROM clock_timestamp()))::bigint AS s')).rows[0]!.s);
    const first = await second();
    const replies = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).get(`/share/v1/officials/${person}`, { token })));
    const windows = (await second()) - first + 1;
    const ok = replies.filter((r) => r.status === 200).length;
    // One shared counter lets at most `limit` through per window; one per process would let twice that.
    expect(ok).to.be.at.most(limit * windows);
    expect(replies.filter((r) => r.status === 429).length).to.equal(20 - ok);
  });

  it('leases from both processes at once never take more than the limit of one window, and the window only moves forward', async function () {
    const limit = 100;
    await w.client('000.00.00.G16', { ratePerSecond: limit });
    const stores = pools.map((p) => createClientStore(p));
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => stores[i % 2]!.leaseRate('000.00.00.G16', 3, limit)));
    const byWindow = new Map<number, number>();
    for (const a of answers) byWindow.set(a.windowStart, (byWindow.get(a.windowStart) ?? 0) + a.granted);
    for (const granted of byWindow.values()) expect(granted).to.be.at.most(limit);
    // 180 asked for: a window that saw every statement gave exactly its limit.
    if (byWindow.size === 1) expect([...byWindow.values()][0]).to.equal(limit);
    for (const a of answers) expect(a.now).to.be.at.least(a.windowStart);
    const row = (await w.sync.store.db.query<{ window_start: string; count: number }>(
      `SELECT window_start::text, count FROM csdl_gateway.share_rate WHERE agency_code = '000.00.00.G16'`)).rows[0]!;
    expect(Number(row.window_start)).to.equal(Math.max(...byWindow.keys()));
    expect(row.count).to.equal(byWindow.get(Number(row.window_start)));
  });

  it('a process answers from its leased slice: the store is written once per slice, not once per request', async function () {
    const { secret } = await w.client('000.00.00.G17', { ratePerSecond: 1000 });
    const token = (await a.token('000.00.00.G17', secret)).body.access_token as string;
    const replies = await Promise.all(Array.from({ length: 30 }, () => a.get(`/share/v1/officials/${person}`, { token })));
    expect(replies.every((r) => r.status === 200)).to.equal(true);
    const row = (await w.sync.store.db.query<{ count: number; granted: number }>(
      `SELECT count, granted FROM csdl_gateway.share_rate WHERE agency_code = '000.00.00.G17'`)).rows[0]!;
    // Slices of 50 (a twentieth of 1000): whatever window the last request fell in, it was leased whole.
    expect(row.granted).to.equal(50);
    expect(row.count % 50).to.equal(0);
  });

  it('every answer of either process is in its audit log', async function () {
    const before = a.audit.entries.length + b.audit.entries.length;
    const { secret } = await w.client('000.00.00.G15');
    const token = (await a.token('000.00.00.G15', secret)).body.access_token as string;
    for (let i = 0; i < 6; i++) await (i % 2 ? a : b).get(`/share/v1/officials/${person}`, { token, ...(i === 5 ? { purpose: 'khac' } : {}) });
    // One token issue and six reads (one refused), each in the log of the process that answered.
    expect(a.audit.entries.length + b.audit.entries.length - before).to.equal(7);
    expect(a.audit.entries.filter((e) => e.actor.name === '000.00.00.G15')).to.have.length(4);
    expect(b.audit.entries.filter((e) => e.actor.name === '000.00.00.G15')).to.have.length(3);
  });
});
