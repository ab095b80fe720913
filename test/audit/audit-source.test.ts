import { expect } from 'chai';
import { canonicalEntry, chainEntries, entryHash, GENESIS_HASH, unhashedEntry } from '../../src/audit/audit-chain.js';
import type { AuditEntryInput } from '../../src/audit/audit-entry.js';
import { createChainVerifier } from '../../src/audit/chain-verifier.js';

const PREFER: AuditEntryInput = {
  actor: { kind: 'cli', name: 'nv-a' }, action: 'ops.person.prefer', people: ['026185000001'], purpose: 'kept in tinh-a', outcome: 'ok',
};
const AT = new Date('2026-12-01T02:00:00.000Z');

describe('audit chain: the source of an entry (merged province)', function () {
  it("leaves an entry of the default source with the bytes it had before sources existed", function () {
    const plain = unhashedEntry(PREFER, 1, AT, GENESIS_HASH);
    const named = unhashedEntry({ ...PREFER, source: 'default' }, 1, AT, GENESIS_HASH);
    expect(JSON.parse(canonicalEntry(plain))).to.have.length(14);
    expect(canonicalEntry(named)).to.equal(canonicalEntry(plain));
    expect(entryHash(named)).to.equal(entryHash(plain));
  });

  it("hashes another source's name, so editing, adding or removing it breaks the entry", function () {
    const entry = unhashedEntry({ ...PREFER, source: 'tinh-b' }, 1, AT, GENESIS_HASH);
    expect(JSON.parse(canonicalEntry(entry))).to.have.length(15).and.to.include('tinh-b');
    const hash = entryHash(entry);
    expect(entryHash({ ...entry, source: 'tinh-c' })).not.to.equal(hash);
    expect(entryHash({ ...entry, source: 'default' })).not.to.equal(hash);
    const [first, second] = chainEntries([{ input: PREFER, at: AT }, { input: { ...PREFER, source: 'tinh-b' }, at: AT }], 0, GENESIS_HASH);
    expect(createChainVerifier([]).feed([first!, second!])).to.equal(undefined);
    const edited = createChainVerifier([]).feed([first!, { ...second!, source: 'default' }]);
    expect(edited?.kind).to.equal('edited');
    const added = createChainVerifier([]).feed([{ ...first!, source: 'tinh-b' }, second!]);
    expect(added?.kind).to.equal('edited');
  });
});
