import { nationalContract } from '../src/contract/national-contract.js';
import { createPacketChecker } from '../src/contract/packet-checks.js';
import { createPayloadCodec } from '../src/encoding/payload-codec.js';
import { examplePacket } from '../test/contract/contract-examples.js';

/**
 * Encoding, decoding and checking a full packet: 500 copies of the contract's example record
 * (each with all optional parts filled). Prints the median of 15 runs after 5 warm-up runs.
 */
const contract = nationalContract();
const codec = createPayloadCodec(contract);
const check = createPacketChecker(contract);
const example = examplePacket();
const packet = { ...example, header: { ...example.header, recordCount: 500 }, records: Array.from({ length: 500 }, () => structuredClone(example.records[0])) };

function median(fn: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const start = process.hrtime.bigint();
    fn();
    if (i >= 5) times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

const json = codec.encode('packet', 'json', packet);
const xml = codec.encode('packet', 'xml', packet);
const rows: [string, number][] = [
  ['encode json', median(() => codec.encode('packet', 'json', packet))],
  ['encode xml', median(() => codec.encode('packet', 'xml', packet))],
  ['decode json', median(() => codec.decode('packet', 'json', json))],
  ['decode xml', median(() => codec.decode('packet', 'xml', xml))],
  ['check packet (schema + national rules)', median(() => check(packet, { consumerCode: '000.00.00.H62' }))],
];
console.log(`packet of 500 records: ${json.length} bytes as JSON, ${xml.length} bytes as XML`);
for (const [what, ms] of rows) console.log(`${what.padEnd(40)} ${ms.toFixed(1)} ms`);
