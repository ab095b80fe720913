import { expect } from 'chai';
import { recentRequestIds } from '../../src/audit/recent-request-ids.js';

describe('audit: the recent request ids', function () {
  it('holds the last `limit` ids and forgets the oldest first', function () {
    const recent = recentRequestIds(3);
    for (const id of ['a', 'b', 'c', 'd']) recent.add(id);
    expect(['a', 'b', 'c', 'd'].map((id) => recent.has(id))).to.deep.equal([false, true, true, true]);
    recent.add('e');
    expect(['b', 'c', 'd', 'e'].map((id) => recent.has(id))).to.deep.equal([false, true, true, true]);
  });

  it('counts an id added twice once, so it is not forgotten early nor kept past its turn', function () {
    const recent = recentRequestIds(3);
    for (const id of ['a', 'b', 'a', 'c']) recent.add(id);
    expect(['a', 'b', 'c'].map((id) => recent.has(id))).to.deep.equal([true, true, true]);
    recent.add('d');
    expect(['a', 'b', 'c', 'd'].map((id) => recent.has(id))).to.deep.equal([false, true, true, true]);
  });

  it('keeps the last 10,000 of 100,000 ids', function () {
    const recent = recentRequestIds(10_000);
    for (let i = 0; i < 100_000; i++) recent.add(`req-${i}`);
    expect([recent.has('req-89999'), recent.has('req-90000'), recent.has('req-99999')]).to.deep.equal([false, true, true]);
  });
});
