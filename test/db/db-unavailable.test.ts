import { expect } from 'chai';
import { isDbUnavailable } from '../../src/db/db.js';

/** Which raw database failures mean "the store cannot be reached now" (answered 503, never 500). */
describe('isDbUnavailable', function () {
  it('says yes for a refused, reset or cut connection and a server shutting down or starting up', function () {
    for (const err of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
      Object.assign(new Error('connection failure'), { code: '08006' }),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
    ]) expect(isDbUnavailable(err), err.message).to.equal(true);
  });

  it('says no for a wrong statement, a constraint, anything else', function () {
    for (const err of [
      Object.assign(new Error('syntax error'), { code: '42601' }),
      Object.assign(new Error('duplicate key'), { code: '23505' }),
      new Error('boom'), null, 'text', 42,
    ]) expect(isDbUnavailable(err), String(err)).to.equal(false);
  });
});
