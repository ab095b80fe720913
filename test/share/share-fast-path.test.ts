import { expect } from 'chai';
import { PROVINCE_ROOT, SCHOOL, startShareWorld, type Reply, type ShareApp, type ShareWorld } from './share-harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- answers and entries are known JSON */
/**
 * The sharing read answered before express (src/share/share-fast-path.ts) against the same
 * read through express alone: for each request, the same status, body bytes, headers that
 * matter and audit entry, on one store. The plain reads must be taken by the fast path and
 * every other request left to express; the whole route suite (share-routes.test.ts) runs
 * against the fast path too, as `start` serves it.
 */
const HEADERS = ['content-type', 'cache-control', 'content-length', 'retry-after', 'etag', 'allow'] as const;

function comparable(r: Reply): Record<string, unknown> {
  return { status: r.status, text: r.text, ...Object.fromEntries(HEADERS.map((h) => [h, r.headers.get(h)])) };
}

/** An entry without what differs from call to call (the request id). */
function entryOf(entry: any): any {
  const { requestId: _id, ...rest } = entry;
  return rest;
}

describe('share: the fast path answers a plain read exactly as express does', function () {
  this.timeout(180_000);
  let w: ShareWorld;
  let fast: ShareApp;
  let plain: ShareApp;
  let person: string;
  let outside: string;
  let token: string;

  before(async function () {
    w = await startShareWorld('postgres');
    await w.refresh();
    fast = await w.startApp();
    plain = await w.startApp(undefined, { expressOnly: true });
    const pick = async (unit: string, not = false) => (await w.sync.store.db.query<{ so_dinh_danh: string }>(
      `SELECT so_dinh_danh FROM csdl_gateway.shared_records WHERE ${not ? 'NOT ' : ''}unit_code = $1 ORDER BY so_dinh_danh LIMIT 1`, [unit],
    )).rows[0]!.so_dinh_danh;
    person = await pick('000.00.05.H62');
    outside = await pick(SCHOOL);
    const { secret } = await w.client('000.00.00.G41', { units: ['000.00.05.H62'], fieldGroups: ['basic', 'salary', 'sensitive'] });
    token = (await fast.token('000.00.00.G41', secret)).body.access_token;
  });
  after(async function () {
    await w?.close();
  });

  /** The request through both, compared; returns the fast path's reply and whether it took it. */
  async function both(path: string, o: Parameters<ShareApp['get']>[1] = {}): Promise<{ reply: Reply; taken: boolean }> {
    const [fastMark, plainMark, taken] = [fast.audit.entries.length, plain.audit.entries.length, fast.fastTaken];
    const a = await fast.get(path, o);
    const b = await plain.get(path, o);
    expect(comparable(a), `${path} ${JSON.stringify(o)}`).to.deep.equal(comparable(b));
    const [ea, eb] = [fast.audit.since(fastMark), plain.audit.since(plainMark)];
    expect(ea, `one entry each for ${path}`).to.have.length(1);
    expect(entryOf(ea[0]), `the audit entry of ${path}`).to.deep.equal(entryOf(eb[0]));
    expect(plain.fastTaken).to.equal(0);
    return { reply: a, taken: fast.fastTaken === taken + 1 };
  }

  it('takes the plain reads and answers them alike: served, filtered by fields, not found, refused', async function () {
    const taken: string[] = [];
    const cases: [string, Parameters<ShareApp['get']>[1]][] = [
      [`/share/v1/officials/${person}`, { token }],
      [`/share/v1/officials/${person}`, { token }], // again: now from this process's built answer
      [`/share/v1/officials/${person}?fields=salary`, { token }],
      [`/share/v1/officials/${person}?fields=basic,sensitive`, { token }],
      [`/share/v1/officials/${person}?fields=education`, { token }],
      [`/share/v1/officials/${person}?fields=`, { token }],
      [`/share/v1/officials/${person}?fields=nope`, { token }],
      [`/share/v1/officials/${outside}`, { token }],
      ['/share/v1/officials/099099099099', { token }],
      ['/share/v1/officials/000000000000', { token }],
      [`/share/v1/officials/${person}`, {}],
      [`/share/v1/officials/${person}`, { token: 'not-a-token' }],
      [`/share/v1/officials/${person}`, { token, purpose: null }],
      [`/share/v1/officials/${person}`, { token, purpose: 'other-purpose' }],
      [`/share/v1/officials/${person}`, { token, headers: { authorization: 'Basic eDp5' } }],
    ];
    for (const [path, o] of cases) {
      const r = await both(path, o);
      if (r.taken) taken.push(path);
    }
    expect(taken).to.have.length(cases.length);
  });

  it('leaves every other request to express, which answers it as before', async function () {
    const cases: [string, Parameters<ShareApp['get']>[1]][] = [
      [`/share/v1/officials/${person}/`, { token }],
      [`/share/v1/officials/${person}?fields=basic&fields=salary`, { token }],
      [`/share/v1/officials/${person}?fields=Basic`, { token }],
      [`/share/v1/officials/${person}?other=1`, { token }],
      [`/share/v1/officials/${person.slice(0, 11)}%3${person.slice(11)}`, { token }],
      ['/share/v1/officials/%ZZ', { token }],
      ['/share/v1/officials/12345', { token }],
      [`/share/v1/units/${PROVINCE_ROOT}/officials`, { token }],
    ];
    for (const [path, o] of cases) expect((await both(path, o)).taken, path).to.equal(false);
  });

  it('echoes a sane X-Request-Id and makes a fresh one otherwise, on both paths', async function () {
    const given = await fast.get(`/share/v1/officials/${person}`, { token, headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers.get('x-request-id')).to.equal('abc-123');
    expect(fast.audit.entries.at(-1)).to.include({ requestId: 'abc-123' });
    const insane = await fast.get(`/share/v1/officials/${person}`, { token, headers: { 'x-request-id': 'not sane!' } });
    expect(insane.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
    const viaExpress = await plain.get(`/share/v1/officials/${person}`, { token, headers: { 'x-request-id': 'abc-123' } });
    expect(viaExpress.headers.get('x-request-id')).to.equal('abc-123');
  });

  it('answers the signed envelope alike, and refuses over the rate alike with Retry-After', async function () {
    const accept = 'application/vnd.csdl.envelope+json';
    const [a, b] = [await fast.get(`/share/v1/officials/${person}`, { token, accept }), await plain.get(`/share/v1/officials/${person}`, { token, accept })];
    expect(a.status).to.equal(200);
    expect(a.headers.get('content-type')).to.equal(b.headers.get('content-type'));
    expect(a.body.payload ?? a.body).to.not.equal(undefined);
    expect(Object.keys(a.body)).to.deep.equal(Object.keys(b.body));
    // Each app leases its own client's budget: one request a second.
    const limited = async (app: ShareApp, code: string) => {
      const { secret } = await w.client(code, { units: ['000.00.05.H62'], ratePerSecond: 1 });
      const t = (await app.token(code, secret)).body.access_token as string;
      const replies = await Promise.all([1, 2, 3].map(() => app.get(`/share/v1/officials/${person}`, { token: t })));
      return replies.filter((r) => r.status === 429);
    };
    const [fastRefused, plainRefused] = [await limited(fast, '000.00.00.G42'), await limited(plain, '000.00.00.G43')];
    expect(fastRefused.length).to.be.greaterThan(0);
    expect(plainRefused.length).to.be.greaterThan(0);
    expect(comparable(fastRefused[0]!)).to.deep.equal(comparable(plainRefused[0]!));
  });
});
