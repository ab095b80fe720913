import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSoDinhDanh, SO_DINH_DANH_PATTERN } from '../../src/contract/so-dinh-danh.js';
import { paths } from '../../src/paths.js';

/** Every `pattern` the contract's schemas give a `soDinhDanh` property, at any depth. */
function contractPatterns(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => contractPatterns(n, found));
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      const pattern = (value as { pattern?: unknown } | null)?.pattern;
      if (key === 'soDinhDanh' && typeof pattern === 'string') found.push(pattern);
      contractPatterns(value, found);
    }
  }
  return found;
}

describe('contract: số định danh', function () {
  it('is the pattern the contract schemas give soDinhDanh', function () {
    const patterns = ['official.schema.json', 'packet.schema.json'].flatMap((f) =>
      contractPatterns(JSON.parse(readFileSync(join(paths.nationalSchemas, f), 'utf8'))));
    expect(patterns).to.have.length.greaterThan(1);
    expect(new Set(patterns)).to.deep.equal(new Set([SO_DINH_DANH_PATTERN]));
  });

  it('accepts twelve digits and nothing else', function () {
    expect(isSoDinhDanh('026185001234')).to.equal(true);
    for (const bad of ['02618500123', '0261850012345', '02618500123a', ' 026185001234', '026185001234\n', 26185001234, undefined]) {
      expect(isSoDinhDanh(bad), String(bad)).to.equal(false);
    }
  });
});
