import { expect } from 'chai';
import { fitWidths, formatTable } from '../../src/cli/table.js';

describe('cli table', function () {
  const rows = [['026185001234', 'accepted', 'short'], ['008190001111', 'invalid', 'SALARY_MISMATCH /luong/heSo: hệ số lương không khớp với bậc']];

  it('aligns columns to their widest cell', function () {
    const lines = formatTable(['số định danh', 'state', 'errors'], rows, { width: 200 });
    expect(lines[0]).to.equal('số định danh  state     errors');
    expect(lines[1]).to.equal('026185001234  accepted  short');
  });

  it('cuts the widest column with … to fit the width, counting characters not bytes', function () {
    const lines = formatTable(['số định danh', 'state', 'errors'], rows, { width: 40 });
    for (const line of lines) expect([...line].length).to.be.at.most(40);
    expect(lines[2]).to.match(/…$/);
    expect(lines[2]!.startsWith('008190001111  invalid   SALARY_MISMATCH')).to.equal(true);
  });

  it('colours only when asked (a terminal), and the codes never count as width', function () {
    const plain = formatTable(['a', 'state'], [['x', 'invalid']], { width: 80 });
    const coloured = formatTable(['a', 'state'], [['x', 'invalid']], { width: 80, colour: true, paint: { 1: (s) => (s === 'invalid' ? 'red' : undefined) } });
    expect(plain.join('')).not.to.contain('\u001b[');
    expect(coloured[1]).to.equal('x  \u001b[31minvalid\u001b[39m');
    expect(coloured[1]!.replace(new RegExp(String.fromCharCode(27) + '\\[[0-9]+m', 'g'), '')).to.equal(plain[1]);
  });

  it('never shrinks a column below a few characters', function () {
    expect(fitWidths([20, 20], 5)).to.deep.equal([4, 4]);
  });
});
