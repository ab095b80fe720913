import { expect } from 'chai';
import { createLogger } from '../../src/log/logger.js';
import { lineSink } from '../foundation/support/line-sink.js';

describe('log: createLogger', function () {
  it('writes JSON lines carrying the ids of a child logger', async function () {
    const sink = lineSink();
    const logger = createLogger({ format: 'json', stream: sink.stream });
    const work = logger.child({ syncId: 'sync-7' }).child({ packetId: 'pk-42', attempt: 2 });
    work.info('packet sent', { records: 17 });
    const [line] = await sink.next();
    const entry = JSON.parse(line ?? '') as Record<string, unknown>;
    expect(entry).to.include({ level: 'info', message: 'packet sent', syncId: 'sync-7', packetId: 'pk-42', attempt: 2, records: 17 });
    expect(entry.timestamp).to.be.a('string');
    expect(Number.isNaN(Date.parse(String(entry.timestamp)))).to.equal(false);
  });

  it('masks personal numbers in the message and in the meta', async function () {
    const sink = lineSink();
    const logger = createLogger({ format: 'json', stream: sink.stream });
    logger.child({ requestId: 'req-1' }).warn('record rejected for CCCD 001089012345, phone 0912.345.678', {
      soDinhDanh: '001089012345',
      so_cccd: '036190001234',
      detail: { bhxh: '7912345678' },
    });
    const [line] = await sink.next();
    expect(line).not.to.match(/001089012345|036190001234|7912345678|0912/);
    const entry = JSON.parse(line ?? '') as Record<string, unknown>;
    expect(entry.message).to.equal('record rejected for CCCD *********345, phone *******678');
    expect(entry).to.deep.include({ soDinhDanh: '*********345', so_cccd: '*********234', detail: { bhxh: '*******678' }, requestId: 'req-1' });
  });

  it('drops lines below its level', async function () {
    const sink = lineSink();
    const logger = createLogger({ level: 'warn', format: 'json', stream: sink.stream });
    logger.info('not this one');
    logger.debug('nor this one');
    logger.error('this one');
    const [line] = await sink.next();
    expect(JSON.parse(line ?? '')).to.include({ level: 'error', message: 'this one' });
  });

  it('writes readable masked lines with their ids in pretty format', async function () {
    const sink = lineSink();
    const logger = createLogger({ format: 'pretty', stream: sink.stream });
    logger.child({ syncId: 'sync-7' }).info('synced 001089012345');
    const [line] = await sink.next();
    expect(line).to.match(/^\d{2}:\d{2}:\d{2} info +synced \*{9}345 +syncId=sync-7$/);
  });

  it('masks the message of an Error logged on its own (winston makes the Error the entry)', async function () {
    const sink = lineSink();
    const logger = createLogger({ format: 'pretty', stream: sink.stream });
    logger.error(new Error('cannot read CCCD 001089012345'));
    const [line] = await sink.next();
    expect(line).to.match(/^\d{2}:\d{2}:\d{2} error cannot read CCCD \*{9}345$/);
  });
});
