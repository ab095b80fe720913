import { expect } from 'chai';
import { nationalContract } from '../../src/contract/national-contract.js';
import { createSchemaValidators } from '../../src/contract/schema-validators.js';
import { createPayloadCodec, decodePayload } from '../../src/encoding/payload-codec.js';
import {
  encodePacket, estimateRecordBytes, groupBySize, prepareRecord, recordBytes, splitToFit, type PacketInput, type PushRecord,
} from '../../src/packet/packet-builder.js';
import { record } from '../simulator/simulator-harness.js';

/**
 * Packet building (contract "Push", packet.schema.json): grouping by count and by bytes,
 * halving a group whose encoded payload is still too large, and a payload the national
 * schema accepts, in both encodings.
 */
const contract = nationalContract();
const codec = createPayloadCodec(contract);
const validators = createSchemaValidators(contract);

/** The contract example's record under serial `n` (a valid national record). */
function pushRecord(n: number): PushRecord {
  return record(n) as PushRecord;
}

function input(items: PushRecord[], format: 'json' | 'xml' = 'json'): PacketInput<PushRecord> {
  return {
    packetId: '3f1c9a52-8d4e-4b7a-9c21-5e6f7a8b9c0d',
    createdAt: '2026-11-02T08:00:00+07:00',
    sender: '000.00.00.H62',
    receiver: '000.00.00.G09',
    approval: { approvedBy: { hoTen: 'Trần Văn Bình', chucVu: 'Giám đốc Sở Nội vụ' }, approvedAt: '2026-11-01T16:00:00+07:00', ky: '2026-11' },
    format,
    items,
    record: prepareRecord,
  };
}

describe('packet builder: groupBySize', function () {
  it('cuts by count: 7 items of size 1 at 3 per packet make 3, 3, 1, in order', function () {
    const groups = groupBySize([1, 2, 3, 4, 5, 6, 7], () => 1, { maxRecords: 3, maxBytes: 1_000_000 });
    expect(groups).to.deep.equal([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('cuts by bytes, keeping 2,048 bytes for the header', function () {
    // 2,048 + 3 x 1,000 = 5,048 fits 5,100; a fourth item would make 6,048.
    const groups = groupBySize(['a', 'b', 'c', 'd', 'e', 'f', 'g'], () => 1000, { maxRecords: 500, maxBytes: 5100 });
    expect(groups).to.deep.equal([['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]);
  });

  it('gives an item larger than the limit a packet of its own, and no empty packet', function () {
    const sizes: Record<string, number> = { a: 100, big: 10_000, b: 100 };
    const groups = groupBySize(['a', 'big', 'b'], (x) => sizes[x]!, { maxRecords: 500, maxBytes: 4000 });
    expect(groups).to.deep.equal([['a'], ['big'], ['b']]);
    expect(groupBySize([], () => 1, { maxRecords: 5, maxBytes: 5000 })).to.deep.equal([]);
  });

  // What grouping relies on: a record never adds more bytes to the encoded payload than its
  // estimate, whether it is the first record of a packet or follows another.
  for (const format of ['json', 'xml'] as const) {
    it(`estimates at least the bytes a record adds to the ${format} payload`, function () {
      const size = (items: PushRecord[]): number => encodePacket(input(items, format), codec).payload.length;
      const first = pushRecord(501);
      const samples = [pushRecord(502), { ...pushRecord(503), operation: 'archive' as const, approvedByUnit: '000.00.05.H62' }];
      for (const r of samples) {
        const estimate = estimateRecordBytes(prepareRecord(r), format);
        expect(estimate, 'alone').to.be.at.least(size([r]) - size([]));
        expect(estimate, 'after another').to.be.at.least(size([first, r]) - size([first]));
      }
    });
  }
});

describe('packet builder: splitToFit', function () {
  const records = Array.from({ length: 10 }, (_, i) => pushRecord(100 + i));

  it('returns the group whole when it fits', function () {
    const built = splitToFit(input(records), codec, 8 * 1024 * 1024, () => 'unused');
    expect(built).to.have.length(1);
    expect(built[0]!.packetId).to.equal('3f1c9a52-8d4e-4b7a-9c21-5e6f7a8b9c0d');
    expect(built[0]!.items).to.deep.equal(records);
  });

  it('halves an oversized group until each part fits, keeping every record once and in order', function () {
    const one = encodePacket(input(records.slice(0, 1)), codec).payload.length;
    const three = encodePacket(input(records.slice(0, 3)), codec).payload.length;
    // Room for three records but not four: 10 -> 5 + 5 -> (3 + 2) + (3 + 2).
    const limit = three + Math.floor((one - 1) / 4);
    const ids = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000003'];
    const built = splitToFit(input(records), codec, limit, () => ids.shift()!);
    expect(built.map((p) => p.items.length)).to.deep.equal([3, 2, 3, 2]);
    expect(built.flatMap((p) => p.items)).to.deep.equal(records);
    expect(built.every((p) => p.payload.length <= limit)).to.equal(true);
    expect(new Set(built.map((p) => p.packetId)).size).to.equal(4);
    expect(built[0]!.packetId).to.equal('3f1c9a52-8d4e-4b7a-9c21-5e6f7a8b9c0d');
    for (const p of built) {
      const decoded = decodePayload('packet', 'json', p.payload) as { header: { packetId: string; recordCount: number }; records: unknown[] };
      expect(decoded.header.packetId).to.equal(p.packetId);
      expect(decoded.header.recordCount).to.equal(p.items.length);
      expect(decoded.records).to.deep.equal(p.items);
    }
  });

  it('returns a single record that cannot fit alone, for the caller to refuse', function () {
    const built = splitToFit(input(records.slice(0, 1)), codec, 100, () => 'unused');
    expect(built).to.have.length(1);
    expect(built[0]!.payload.length).to.be.greaterThan(100);
  });
});

describe('packet builder: the payload', function () {
  for (const format of ['json', 'xml'] as const) {
    it(`validates against packet.schema.json (${format}), with its sha256`, function () {
      const records = [pushRecord(201), { ...pushRecord(202), operation: 'archive' as const }, { ...pushRecord(203), approvedByUnit: '000.00.05.H62' }];
      const built = encodePacket(input(records, format), codec);
      const decoded = decodePayload('packet', format, built.payload);
      expect(validators.packet(decoded)).to.deep.equal([]);
      expect((decoded as { header: { recordCount: number; receiver: string } }).header).to.include({ recordCount: 3, receiver: '000.00.00.G09' });
      expect(built.payloadSha256).to.match(/^[0-9a-f]{64}$/);
    });
  }

  it('joins the bytes the caller encoded once (recordBytes) into the very payload it would encode itself', function () {
    const records = [pushRecord(501), { ...pushRecord(502), operation: 'archive' as const, approvedByUnit: '000.00.05.H62' }, pushRecord(503)];
    const encoded = new Map(records.map((r) => [r, recordBytes(prepareRecord(r))]));
    const joined = encodePacket({ ...input(records), bytes: (r) => encoded.get(r)! }, codec);
    const plain = encodePacket(input(records), codec);
    expect(joined.payload.equals(plain.payload)).to.equal(true);
    expect(joined.payloadSha256).to.equal(plain.payloadSha256);
    expect(joined.payload.toString('utf8')).to.equal(JSON.stringify(JSON.parse(plain.payload.toString('utf8'))));
    // Its length is the record's size in a packet, bar the comma.
    for (const r of records) expect(encoded.get(r)!.length + 1).to.equal(estimateRecordBytes(prepareRecord(r), 'json'));
    expect(encodePacket({ ...input([]), bytes: () => Buffer.alloc(0) }, codec).payload.toString('utf8')).to.match(/"records":\[\]\}$/);
  });

  it('writes JSON byte for byte as JSON.stringify writes the whole packet, records spliced in as text', function () {
    const one = pushRecord(401);
    const two = pushRecord(402);
    const built = encodePacket(input([one, { ...two, operation: 'archive', approvedByUnit: '000.00.05.H62' }]), codec);
    // The packet written out by hand, in the contract's key order (examples/packet.json).
    const expected = JSON.stringify({
      header: {
        schemaVersion: '1.0',
        packetId: '3f1c9a52-8d4e-4b7a-9c21-5e6f7a8b9c0d',
        sender: '000.00.00.H62',
        receiver: '000.00.00.G09',
        createdAt: '2026-11-02T08:00:00+07:00',
        recordCount: 2,
        approval: { approvedBy: { hoTen: 'Trần Văn Bình', chucVu: 'Giám đốc Sở Nội vụ' }, approvedAt: '2026-11-01T16:00:00+07:00', ky: '2026-11' },
      },
      records: [
        { operation: 'upsert', soDinhDanh: '026185000401', approvedAt: one.approvedAt, approvedByUnit: one.approvedByUnit, data: one.data },
        { operation: 'archive', soDinhDanh: '026185000402', approvedAt: two.approvedAt, approvedByUnit: '000.00.05.H62', data: two.data },
      ],
    });
    expect(built.payload.toString('utf8')).to.equal(expected);
  });

  it('is refused by the schema when a record lacks its approvedAt (the check is not vacuous)', function () {
    const broken = { ...pushRecord(301) } as Partial<PushRecord>;
    delete broken.approvedAt;
    const built = encodePacket(input([broken as PushRecord]), codec);
    expect(validators.packet(decodePayload('packet', 'json', built.payload)).map((p) => p.path)).to.include('/records/0/approvedAt');
  });
});
