import { expect } from 'chai';
import { loadNationalContract, nationalContract } from '../../src/contract/national-contract.js';
import { createSchemaValidators } from '../../src/contract/schema-validators.js';
import { exampleOfficial, examplePacket } from './contract-examples.js';

describe('contract: schema validators', function () {
  const v = createSchemaValidators(nationalContract());

  it('accepts the contract examples', function () {
    expect(v.official(exampleOfficial())).to.deep.equal([]);
    expect(v.packet(examplePacket())).to.deep.equal([]);
    expect(v.pushRecord(examplePacket().records[0])).to.deep.equal([]);
    expect(v.envelope({ format: 'xml', payload: 'AAAA', signature: 'BBBB' })).to.deep.equal([]);
    expect(v.receipt({ packetId: 'p', receiptId: 'r', status: 'done', results: [{ soDinhDanh: '1', status: 'stale' }] })).to.deep.equal([]);
  });

  it('reports every problem, each at its JSON Pointer', function () {
    const rec = exampleOfficial();
    delete rec.hoTen;
    rec.biDanh = 'x';
    rec.luong.heSo = '3,66';
    rec.danhGia[1].nam = 1900;
    const problems = v.official(rec);
    expect(problems.map((p) => p.path).sort()).to.deep.equal(['/biDanh', '/danhGia/1/nam', '/hoTen', '/luong/heSo']);
    expect(problems.find((p) => p.path === '/hoTen')?.message).to.equal('required property is missing');
    expect(problems.find((p) => p.path === '/biDanh')?.message).to.equal('property is not allowed by the schema');
    expect(problems.find((p) => p.path === '/luong/heSo')?.message).to.equal('must be number');
  });

  it('checks the formats date, date-time and uuid', function () {
    const rec = exampleOfficial();
    rec.ngayNghi = '2024-02-30';
    expect(v.official(rec)).to.deep.equal([{ path: '/ngayNghi', message: 'must match format "date"', rule: 'format date' }]);
    const packet = examplePacket();
    packet.header.packetId = 'not-a-uuid';
    packet.header.createdAt = '2026-05-28 09:00';
    expect(v.packet(packet).map((p) => p.path)).to.have.members(['/header/packetId', '/header/createdAt']);
  });

  it('resolves the packet\'s $ref to the official schema', function () {
    const packet = examplePacket();
    packet.records[0].data.luong.bac = 0;
    expect(v.packet(packet)).to.deep.equal([{ path: '/records/0/data/luong/bac', message: 'must be >= 1', rule: 'minimum 1' }]);
    expect(v.pushRecord(packet.records[0])).to.deep.equal([{ path: '/data/luong/bac', message: 'must be >= 1', rule: 'minimum 1' }]);
  });

  it('names the allowed values of an enum or const', function () {
    expect(v.envelope({ format: 'yaml', payload: 'AAAA', signature: 'BBBB' })).to.deep.equal([
      { path: '/format', message: 'must be one of "json", "xml"', rule: 'enum' },
    ]);
    const packet = examplePacket();
    packet.header.schemaVersion = '2.0';
    expect(v.packet(packet)).to.deep.equal([{ path: '/header/schemaVersion', message: 'must equal "1.0"', rule: 'const' }]);
  });

  it('checks only the header and the records\' keys in the packet shell', function () {
    const packet = examplePacket();
    packet.records[0].data.luong.bac = 0;
    expect(v.packetShell(packet)).to.deep.equal([]);
    delete packet.records[0].soDinhDanh;
    expect(v.packetShell(packet)).to.deep.equal([{ path: '/records/0/soDinhDanh', message: 'required property is missing', rule: 'required' }]);
  });

  it('compiles a check when prepared, not only at its first use', function () {
    // A receipt schema ajv refuses (strict mode: an unknown type) shows when it is compiled.
    const contract = loadNationalContract();
    const broken = { ...contract, schemas: { ...contract.schemas, receipt: { $id: 'urn:test:receipt', type: 'nonsense' } } };
    const validators = createSchemaValidators(broken);
    expect(() => validators.prepare('official')).not.to.throw();
    expect(() => validators.prepare('receipt')).to.throw(/nonsense|type/);
  });

  it('compiles once per contract', function () {
    const contract = loadNationalContract();
    expect(createSchemaValidators(contract)).to.equal(createSchemaValidators(contract));
    expect(createSchemaValidators(contract)).not.to.equal(v);
  });
});
