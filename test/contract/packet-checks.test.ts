import { expect } from 'chai';
import { loadNationalContract, nationalContract } from '../../src/contract/national-contract.js';
import { createPacketChecker } from '../../src/contract/packet-checks.js';
import { examplePacket } from './contract-examples.js';

const SENDER = '000.00.00.H62';

describe('contract: packet checks', function () {
  const check = createPacketChecker(loadNationalContract());

  it('accepts the example packet from its sender', function () {
    expect(check(examplePacket(), { consumerCode: SENDER })).to.deep.equal({ packetProblems: [], recordProblems: [[]] });
    expect(createPacketChecker(nationalContract())(examplePacket(), { consumerCode: SENDER })).to.deep.equal({ packetProblems: [], recordProblems: [[]] });
  });

  it('rejects a recordCount that is not the number of records', function () {
    const packet = examplePacket();
    packet.header.recordCount = 2;
    const { packetProblems } = check(packet, { consumerCode: SENDER });
    expect(packetProblems).to.deep.equal([
      { code: 'SCHEMA_INVALID', path: '/header/recordCount', message: 'recordCount is 2 but the packet holds 1 records: expected 1' },
    ]);
  });

  it('rejects a sender other than the caller as AGENCY_ID_INCORRECT', function () {
    const { packetProblems } = check(examplePacket(), { consumerCode: '000.00.00.H26' });
    expect(packetProblems).to.deep.equal([
      {
        code: 'AGENCY_ID_INCORRECT',
        path: '/header/sender',
        message: "header.sender 000.00.00.H62 is not the caller's X-Consumer-Code: expected 000.00.00.H26",
      },
    ]);
  });

  it('rejects a malformed header as a whole', function () {
    const packet = examplePacket();
    delete packet.header.approval;
    packet.header.packetId = '7d0b6c2e';
    const { packetProblems } = check(packet, { consumerCode: SENDER });
    expect(packetProblems.map(({ code, path }) => ({ code, path }))).to.have.deep.members([
      { code: 'SCHEMA_INVALID', path: '/header/approval' },
      { code: 'SCHEMA_INVALID', path: '/header/packetId' },
    ]);
  });

  it('rejects the whole packet when a record cannot be named by its soDinhDanh', function () {
    const packet = examplePacket();
    packet.records.push('not a record');
    packet.records.push({ operation: 'upsert' });
    packet.header.recordCount = 3;
    const { packetProblems, recordProblems } = check(packet, { consumerCode: SENDER });
    expect(packetProblems.map((p) => p.path)).to.have.members(['/records/1', '/records/2/soDinhDanh']);
    expect(recordProblems).to.have.length(3);
  });

  it('rejects records that are not a list, or an empty list', function () {
    const notList = examplePacket();
    notList.records = {};
    expect(check(notList, { consumerCode: SENDER })).to.deep.equal({
      packetProblems: [{ code: 'SCHEMA_INVALID', path: '/records', message: 'must be array' }],
      recordProblems: [],
    });
    const empty = examplePacket();
    empty.records = [];
    empty.header.recordCount = 0;
    const paths = check(empty, { consumerCode: SENDER }).packetProblems.map((p) => p.path);
    expect(paths).to.have.members(['/records', '/header/recordCount']);
    expect(check(null, { consumerCode: SENDER }).packetProblems.map((p) => p.path)).to.deep.equal(['']);
  });

  it('leaves a bad record to that record alone, schema problems included', function () {
    const packet = examplePacket();
    const second = structuredClone(packet.records[0]);
    second.data.luong.heSo = 3.7;
    delete second.data.hoTen;
    packet.records.push(second);
    packet.header.recordCount = 2;
    const { packetProblems, recordProblems } = check(packet, { consumerCode: SENDER });
    expect(packetProblems).to.deep.equal([]);
    expect(recordProblems[0]).to.deep.equal([]);
    expect(recordProblems[1]?.map(({ code, path }) => ({ code, path }))).to.deep.equal([
      { code: 'SCHEMA_INVALID', path: '/data/hoTen' },
      { code: 'SALARY_MISMATCH', path: '/data/luong/heSo' },
    ]);
  });
});
