import { expect } from 'chai';
import { CodedErrorWithStatus, describeError, GatewayError, isGatewayError } from '../../src/errors.js';

class ExampleError extends GatewayError {}

describe('foundation: GatewayError', function () {
  it('carries its code, retryable flag, status, details and cause', function () {
    const cause = new Error('socket hang up');
    const err = new ExampleError('ndxp.http_503', 'NDXP answered 503', {
      retryable: true,
      status: 502,
      details: [{ path: '/header/senderCode', message: 'unknown sender' }],
      cause,
    });
    expect(err).to.be.instanceOf(Error);
    expect(err.name).to.equal('ExampleError');
    expect(err).to.include({ code: 'ndxp.http_503', retryable: true, status: 502, message: 'NDXP answered 503' });
    expect(err.details).to.deep.equal([{ path: '/header/senderCode', message: 'unknown sender' }]);
    expect(err.cause).to.equal(cause);
  });

  it('defaults to not retryable, no status, no details', function () {
    const err = new GatewayError('mapping.code_unknown', 'unknown code');
    expect(err).to.include({ retryable: false, status: undefined });
    expect(err.details).to.deep.equal([]);
    expect('cause' in err).to.equal(false);
  });

  it('serialises to code and message, with details only when there are some', function () {
    expect(new GatewayError('a.b', 'm').toJSON()).to.deep.equal({ code: 'a.b', message: 'm' });
    expect(JSON.parse(JSON.stringify(new GatewayError('a.b', 'm', { details: [{ path: 'x', message: 'y' }] })))).to.deep.equal({
      code: 'a.b',
      message: 'm',
      details: [{ path: 'x', message: 'y' }],
    });
  });

  it('is recognised by isGatewayError, and plain errors are not', function () {
    expect(isGatewayError(new ExampleError('a.b', 'm'))).to.equal(true);
    expect(isGatewayError(new Error('m'))).to.equal(false);
    expect(isGatewayError({ code: 'a.b', message: 'm' })).to.equal(false);
  });

  it('describes any thrown value in one line', function () {
    expect(describeError(new GatewayError('config.invalid', 'PORT must be integer'))).to.equal('config.invalid: PORT must be integer');
    expect(describeError(new Error('boom'))).to.equal('boom');
    expect(describeError('plain string')).to.equal('plain string');
  });

  it('answers with the status its table gives each code, unless the options name another', function () {
    class TableError extends CodedErrorWithStatus({ 'table.missing': 404, 'table.busy': 409 }) {}
    const missing = new TableError('table.missing', 'm');
    expect(missing).to.be.instanceOf(GatewayError);
    expect(missing).to.include({ name: 'TableError', code: 'table.missing', status: 404, retryable: false });
    expect(new TableError('table.busy', 'm', { status: 503, retryable: true })).to.include({ status: 503, retryable: true });
  });
});
