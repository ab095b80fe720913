import { expect } from 'chai';
import { joinedUnitTree, unitTree, type ProvincialUnit } from '../../src/share/provincial-units.js';

/**
 * A merged province's tree: two sources whose vendor ids collide (both have units 1 and 2) and
 * whose codes differ, but for one code both hold. Pure.
 */
const ROOT = '000.00.00.H62';
const a: ProvincialUnit[] = [
  { id: '1', code: ROOT, name: 'UBND tỉnh A' },
  { id: '2', code: '000.00.05.H62', name: 'Sở Nội vụ', parentId: '1' },
  { id: '3', code: '000.01.05.H62', name: 'Phòng A', parentId: '2' },
];
const b: ProvincialUnit[] = [
  { id: '1', code: '000.00.00.H26', name: 'UBND tỉnh B' },
  { id: '2', code: '000.00.07.H26', name: 'Sở GD', parentId: '1' },
  { id: '3', code: '000.00.05.H62', name: 'Sở Nội vụ (B)', parentId: '1' },
  { id: '4', code: '000.02.05.H62', name: 'Phòng B', parentId: '3' },
];
const under = (tree: ReturnType<typeof unitTree>, code: string) => tree.edges.filter(([x]) => x === code).map(([, d]) => d).sort();

describe('joinedUnitTree: the sources\' trees under the province\'s root', function () {
  it('puts every unit of every source under the root, by code, never by vendor id', function () {
    const tree = joinedUnitTree([a, b], ROOT);
    expect(under(tree, ROOT)).to.deep.equal(['000.00.00.H26', ROOT, '000.00.05.H62', '000.00.07.H26', '000.01.05.H62', '000.02.05.H62'].sort());
    expect(tree.edges.flat().every((c) => c.includes('.'))).to.equal(true);
  });

  it('keeps a second source\'s subtree its own, and joins the subtrees of a code both hold', function () {
    const tree = joinedUnitTree([a, b], ROOT);
    expect(under(tree, '000.00.00.H26')).to.deep.equal(['000.00.00.H26', '000.00.05.H62', '000.00.07.H26', '000.02.05.H62']);
    expect(under(tree, '000.00.07.H26')).to.deep.equal(['000.00.07.H26']);
    expect(under(tree, '000.00.05.H62')).to.deep.equal(['000.00.05.H62', '000.01.05.H62', '000.02.05.H62']);
    expect(tree.units.find((u) => u.code === '000.00.05.H62')?.name).to.equal('Sở Nội vụ');
  });

  it('adds the root even when no source holds its code, and one source\'s pairs are all kept', function () {
    const tree = joinedUnitTree([b], ROOT);
    expect(under(tree, ROOT)).to.include.members([ROOT, '000.00.00.H26', '000.02.05.H62']);
    for (const edge of unitTree(b).edges) expect(tree.edges).to.deep.include(edge);
    expect(joinedUnitTree([b], ROOT).hash).to.equal(tree.hash);
    expect(joinedUnitTree([a, b], ROOT).hash).not.to.equal(tree.hash);
  });
});
