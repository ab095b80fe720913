import { expect } from 'chai';
import type { Queryable } from '../../src/db/db.js';
import type { CompiledMapping } from '../../src/mapping/mapping-compiler.js';
import type { RecordVersion } from '../../src/outbox/outbox-types.js';
import { createStreamGate } from '../../src/sync/stream-gate.js';

/**
 * The merged sync's meeting point (stream-gate.ts): no source learns whom it may stream before
 * every source has read ahead or left, and a person is taken by one source only per run.
 */
const SDD = (n: number): string => `026185${String(n).padStart(6, '0')}`;

function version(vendorId: string, sdd: string, extra: Partial<RecordVersion> = {}): RecordVersion {
  return {
    vendorId, approvalId: '1', soDinhDanh: sdd, operation: 'upsert', approvedAt: '2026-11-02T02:00:00.000Z', approvedByUnit: '000.00.05.H62',
    status: 'queued', recordHash: 'h', recordJson: '{}', errors: undefined, ...extra,
  };
}

/** A source database whose person rows give the số định danh read ahead (the qlcb person table's shape). */
function rows(people: Record<string, string>): Queryable {
  return {
    query: async () => ({ rows: Object.entries(people).map(([person_key, sdd]) => ({ person_key, doc: JSON.stringify({ so_cccd: sdd }) })) }),
  } as unknown as Queryable;
}

const mapping = {
  source: { persons: { table: 'qlcb.can_bo', id: 'id' } },
  identity: { sources: new Map([['/soDinhDanh', 'qlcb.can_bo.so_cccd']]), fill: (doc: { so_cccd?: string }, _run: unknown, out: Record<string, unknown>) => { out.soDinhDanh = doc.so_cccd; } },
} as unknown as CompiledMapping;

describe('merged sync: the stream gate', function () {
  it('decides once every source has arrived or left, and streams only what the decision names', async function () {
    const asked: string[][] = [];
    const gate = createStreamGate(['a', 'b', 'c'], async (due) => {
      asked.push([...due.keys()].sort());
      return { streamed: new Map([['a', new Map([['1', SDD(1)]])]]), owned: new Set<string>() };
    }, () => undefined);
    let arrived = false;
    const a = gate.arrive('a', rows({ 1: SDD(1), 2: SDD(2) }), mapping, ['1', '2']).then(() => {
      arrived = true;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(arrived, 'a waits for b and c').to.equal(false);
    gate.leave('c'); // c could not be opened
    const b = gate.arrive('b', rows({ 7: SDD(2) }), mapping, ['7']);
    await Promise.all([a, b]);
    expect(asked).to.deep.equal([['a', 'b']]);
    const { claimed, recorded } = gate.claim('a', [version('1', SDD(1)), version('2', SDD(2)), version('3', SDD(3), { status: 'invalid' })]);
    expect(claimed.map((v) => v.vendorId)).to.deep.equal(['1']);
    expect(recorded.map((v) => v.vendorId)).to.deep.equal(['2', '3']);
  });

  it('hands back a streamed person another source took this run, and names people streamed elsewhere to the recorder', async function () {
    const gate = createStreamGate(['a', 'b'], async () => ({
      streamed: new Map([['a', new Map([['1', SDD(1)], ['2', SDD(2)]])], ['b', new Map<string, string>()]]), owned: new Set([SDD(2)]),
    }), () => undefined);
    await Promise.all([gate.arrive('a', rows({}), mapping, []), gate.arrive('b', rows({}), mapping, [])]);
    // b records SDD(2) first (its person row said otherwise than its document): a's SDD(2) is contested.
    expect([...gate.takenElsewhere('b', [version('9', SDD(2))])]).to.deep.equal([]);
    const { claimed, recorded, ownerRows } = gate.claim('a', [version('1', SDD(1)), version('2', SDD(2))]);
    expect(claimed.map((v) => v.vendorId)).to.deep.equal(['1']);
    expect(recorded.map((v) => v.vendorId)).to.deep.equal(['2']);
    expect(ownerRows).to.deep.equal([]);
    // a's recording of SDD(2) sees b as its owner; b recording SDD(1) sees a.
    expect([...gate.takenElsewhere('a', recorded)]).to.deep.equal([[SDD(2), { source: 'b', vendorId: '9', departed: false }]]);
    expect([...gate.takenElsewhere('b', [version('8', SDD(1))])]).to.deep.equal([[SDD(1), { source: 'a', vendorId: '1', departed: false }]]);
  });

  it('streams no one when the decision fails, and says so', async function () {
    const warned: string[] = [];
    const gate = createStreamGate(['a'], async () => {
      throw new Error('store down');
    }, (m) => warned.push(m));
    await gate.arrive('a', rows({ 1: SDD(1) }), mapping, ['1']);
    expect(gate.claim('a', [version('1', SDD(1))]).claimed).to.deep.equal([]);
    expect(warned).to.have.length(1);
  });
});
