import { createHash } from 'node:crypto';
import { expect } from 'chai';
import {
  canonicalEntry, chainEntries, checkpointPayload, entryHash, GENESIS_HASH, unhashedEntry, type ChainedEntry,
} from '../../src/audit/audit-chain.js';
import type { AuditEntryInput } from '../../src/audit/audit-entry.js';
import { createChainVerifier } from '../../src/audit/chain-verifier.js';

const SHARE_READ: AuditEntryInput = {
  actor: { kind: 'client', name: '000.00.00.G12' },
  action: 'share.official.read',
  people: ['026185000001', '001178012345'],
  unit: '000.00.14.H62',
  fieldGroups: ['basic', 'salary'],
  purpose: 'Xác minh thuế thu nhập',
  outcome: 'ok',
  requestId: 'req-1',
};

// Written by hand from the rule in audit-chain.ts; the hash is `printf '%s' TEXT | sha256sum`.
const GOLDEN_TEXT =
  '[1,"2026-05-28T02:15:00.123Z","client","000.00.00.G12","share.official.read",["026185000001","001178012345"],' +
  'null,"000.00.14.H62",["basic","salary"],"Xác minh thuế thu nhập","ok",null,"req-1",' +
  '"0000000000000000000000000000000000000000000000000000000000000000"]';
const GOLDEN_HASH = '4e0d63cc9639bee84d68b12262465be993f8dee3e80c381b4ac6e5ea445c098f';

function chain(n: number): ChainedEntry[] {
  const inputs = Array.from({ length: n }, (_, i) => ({
    input: { ...SHARE_READ, requestId: `req-${i + 1}` },
    at: new Date(Date.UTC(2026, 4, 28, 2, 15, 0, i)),
  }));
  return chainEntries(inputs, 0, GENESIS_HASH);
}

describe('audit chain: canonical serialisation and hashes', function () {
  it('serialises an entry exactly as the golden text (field order, explicit nulls, ms time, arrays as given)', function () {
    const entry = unhashedEntry(SHARE_READ, 1, new Date('2026-05-28T09:15:00.123+07:00'), GENESIS_HASH);
    expect(canonicalEntry(entry)).to.equal(GOLDEN_TEXT);
    expect(entryHash(entry)).to.equal(GOLDEN_HASH);
  });

  it('keeps the arrays in the order given and an absent array empty', function () {
    const reversed = unhashedEntry({ ...SHARE_READ, people: ['001178012345', '026185000001'] }, 1, new Date(0), GENESIS_HASH);
    const plain = unhashedEntry({ ...SHARE_READ, people: ['026185000001', '001178012345'] }, 1, new Date(0), GENESIS_HASH);
    expect(entryHash(reversed)).not.to.equal(entryHash(plain));
    const bare = unhashedEntry({ actor: { kind: 'cli', name: 'root' }, action: 'audit.list', outcome: 'ok' }, 7, new Date(0), 'ab');
    expect(canonicalEntry(bare)).to.equal('[7,"1970-01-01T00:00:00.000Z","cli","root","audit.list",[],null,null,[],null,"ok",null,null,"ab"]');
  });

  it('links each entry to the hash of the one before it', function () {
    const entries = chain(3);
    expect(entries.map((e) => e.seq)).to.deep.equal([1, 2, 3]);
    expect(entries[0]!.prevHash).to.equal(GENESIS_HASH);
    expect(entries[1]!.prevHash).to.equal(entries[0]!.hash);
    expect(entries[2]!.prevHash).to.equal(entries[1]!.hash);
    const own = createHash('sha256').update(canonicalEntry(entries[2]!), 'utf8').digest('hex');
    expect(entries[2]!.hash).to.equal(own);
  });

  it('writes a checkpoint statement as canonical JSON', function () {
    const bytes = checkpointPayload({ count: 1000, head: 'ab', signedAt: '2026-05-28T02:15:00.000Z', sender: '000.00.00.H62' });
    expect(bytes.toString('utf8')).to.equal('{"count":1000,"head":"ab","signedAt":"2026-05-28T02:15:00.000Z","sender":"000.00.00.H62"}');
  });
});

describe('audit chain: the verifier names the first bad entry', function () {
  const pin = (entries: ChainedEntry[], count: number) => ({ count, head: entries[count - 1]!.hash, signedAt: 't', source: 'test' });

  it('passes an intact chain, across pages, and reports its length and head', function () {
    const entries = chain(10);
    const verifier = createChainVerifier([pin(entries, 5), pin(entries, 10)]);
    expect(verifier.feed(entries.slice(0, 4))).to.equal(undefined);
    expect(verifier.feed(entries.slice(4))).to.equal(undefined);
    expect(verifier.finish()).to.equal(undefined);
    expect(verifier.entries).to.equal(10);
    expect(verifier.head).to.equal(entries[9]!.hash);
  });

  const cases: [string, (e: ChainedEntry[]) => ChainedEntry[], string, number][] = [
    ['an edited entry', (e) => e.map((x) => (x.seq === 4 ? { ...x, purpose: 'khác' } : x)), 'edited', 4],
    ['a deleted entry', (e) => e.filter((x) => x.seq !== 6), 'deleted', 6],
    ['two swapped entries', (e) => [...e.slice(0, 2), { ...e[3]!, seq: 3 }, { ...e[2]!, seq: 4 }, ...e.slice(4)], 'reordered', 3],
    ['an entry rewritten with a recomputed hash', (e) => e.map((x) => {
      if (x.seq !== 5) return x;
      const edited = { ...x, purpose: 'khác' };
      return { ...edited, hash: entryHash(edited) };
    }), 'relinked', 5],
  ];
  for (const [what, tamper, kind, seq] of cases) {
    it(`catches ${what}`, function () {
      const problem = createChainVerifier([]).feed(tamper(chain(8)));
      expect(problem?.kind).to.equal(kind);
      expect(problem?.seq).to.equal(seq);
    });
  }

  it('catches a truncated tail only against a checkpoint', function () {
    const entries = chain(8);
    const verifier = createChainVerifier([pin(entries, 8)]);
    expect(verifier.feed(entries.slice(0, 6))).to.equal(undefined);
    expect(verifier.finish()).to.include({ kind: 'truncated', seq: 7 });
  });

  it('catches a chain rewritten from some entry on against the checkpoint at its count', function () {
    const entries = chain(8);
    const rewritten = chainEntries(
      entries.slice(4).map((e) => ({ input: { ...SHARE_READ, purpose: 'khác', requestId: e.requestId ?? undefined }, at: e.at })),
      4,
      entries[3]!.hash,
    );
    const verifier = createChainVerifier([pin(entries, 2), pin(entries, 8)]);
    expect(verifier.feed([...entries.slice(0, 4), ...rewritten])).to.include({ kind: 'rewritten', seq: 3 });
  });
});
