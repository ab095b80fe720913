import { expect } from 'chai';
import { FaultSwitches, parseFaultUpdate } from '../../src/simulator/fault-switches.js';
import { SimulatorError } from '../../src/simulator/simulator-errors.js';

describe('simulator: fault switches as state', function () {
  it('consumes scripted answers per kind, in order', function () {
    const f = new FaultSwitches();
    f.apply({ script: { push: [{ status: 503 }, { reset: true }], token: [{ status: 429 }] } });
    expect(f.take('receipt')).to.equal(undefined);
    expect(f.take('push')).to.deep.equal({ status: 503 });
    expect(f.take('token')).to.deep.equal({ status: 429 });
    expect(f.take('push')).to.deep.equal({ reset: true });
    expect(f.take('push')).to.equal(undefined);
  });

  it('counts down packet failures and bumps the token epoch on revocation', function () {
    const f = new FaultSwitches();
    f.apply({ failNextPackets: 2, revokeTokens: true });
    expect([f.takePacketFailure(), f.takePacketFailure(), f.takePacketFailure()]).to.deep.equal([true, true, false]);
    expect(f.tokenEpoch).to.equal(1);
  });

  it('resets to the configured processing delay and keeps revocations', function () {
    const f = new FaultSwitches({ processingDelayMs: 10 });
    f.apply({ processingDelayMs: 99, delayMs: 5, failNextPackets: 1, revokeTokens: true, script: { pull: [{ status: 500 }] } });
    expect(f.reset()).to.deep.equal({
      script: { token: [], push: [], receipt: [], pull: [] },
      delayMs: 0,
      processingDelayMs: 10,
      failNextPackets: 0,
      tokenEpoch: 1,
    });
  });

  it('parses an update and refuses wrong shapes with paths', function () {
    expect(parseFaultUpdate({ delayMs: 1, script: { push: [{ reset: true, afterStore: true }] } })).to.deep.equal({ delayMs: 1, script: { push: [{ reset: true, afterStore: true }] } });
    const refuse = (v: unknown): SimulatorError => {
      try {
        parseFaultUpdate(v);
      } catch (err) {
        return err as SimulatorError;
      }
      throw new Error('expected a refusal');
    };
    expect(refuse({ delayMs: -1 }).details.map((d) => d.path)).to.include('/delayMs');
    expect(refuse({ script: { push: [{ retryAfter: 3 }] } }).code).to.equal('simulator.bad_faults');
    expect(refuse({ script: { receipt: [{ status: 500, afterStore: true }] } }).message).to.match(/push only/);
  });
});
