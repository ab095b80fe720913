import { expect } from 'chai';
import { loadWorkingCalendar } from '../../src/calendar/calendar-loader.js';
import type { Db } from '../../src/db/db.js';
import { isGatewayError } from '../../src/errors.js';
import { loadMapping } from '../../src/mapping/mapping-loader.js';
import { createTransferService } from '../../src/transfer/transfer-service.js';
import { MemoryAuditLog } from '../setup/memory-audit-log.js';

/**
 * A mapping without `staging` cannot stage a pulled record: the pull refuses with
 * transfer.staging_unmapped before the national side is called or any database touched.
 */
describe('pull against a mapping without staging', function () {
  it('refuses with transfer.staging_unmapped before calling the national side, audited', async function () {
    const { staging: _staging, ...mapping } = loadMapping('mappings/qlcb');
    const untouched = new Proxy({}, { get: () => { throw new Error('the database was touched'); } }) as Db;
    let nationalCalls = 0;
    const audit = new MemoryAuditLog();
    const service = createTransferService({
      store: untouched, source: untouched, trustAnchors: [], mapping, calendar: loadWorkingCalendar(), audit,
      national: { pullOfficial: async () => { nationalCalls += 1; throw new Error('called'); } },
    });
    let failure: unknown;
    try {
      await service.pull({ soDinhDanh: '026185000700', receivingUnit: '000.00.05.H62' }, { actor: { kind: 'cli', name: 'tester' } });
    } catch (err) {
      failure = err;
    }
    expect(isGatewayError(failure) && failure.code).to.equal('transfer.staging_unmapped');
    expect(nationalCalls).to.equal(0);
    expect(audit.entries.map((e) => [e.action, e.code])).to.deep.equal([['transfer.pull', 'transfer.staging_unmapped']]);
  });
});
