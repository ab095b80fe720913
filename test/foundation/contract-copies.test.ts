import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { paths } from '../../src/paths.js';

/**
 * The runtime reads copies of the national contract and of the provincial vendor schema, and
 * comments cite the contract's README and XML encoding by their copies' names. They must stay byte-identical to ../shared, the source of truth,
 * whenever ../shared is present (developer machines, CI); elsewhere there is nothing to
 * compare against and the tests are skipped with that reason.
 */
const FOLDERS: { shared: string; copy: string }[] = [
  { shared: join(paths.shared, 'contract', 'schemas'), copy: paths.nationalSchemas },
  { shared: join(paths.shared, 'contract', 'codes'), copy: paths.nationalCodes },
];
const FILES: { shared: string; copy: string }[] = [
  { shared: join(paths.shared, 'contract', 'README.md'), copy: join(paths.root, 'contract', 'national', 'README.md') },
  { shared: join(paths.shared, 'contract', 'xml-encoding.md'), copy: join(paths.root, 'contract', 'national', 'xml-encoding.md') },
  { shared: join(paths.shared, 'provincial', 'schema.sql'), copy: paths.provincialSchemaSql },
  { shared: join(paths.shared, 'provincial', 'sample.sql'), copy: paths.provincialSampleSql },
];

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full).map((f) => join(name, f)) : [name];
  });
}

/** Every file of ../shared paired with the path its copy should have. */
function pairs(): { shared: string; copy: string }[] {
  const inFolders = FOLDERS.flatMap(({ shared, copy }) =>
    filesUnder(shared).map((rel) => ({ shared: join(shared, rel), copy: join(copy, rel) })),
  );
  return [...inFolders, ...FILES];
}

describe('foundation: contract copies match ../shared', function () {
  beforeEach(function () {
    if (!existsSync(paths.shared)) {
      const test = this.currentTest;
      if (test) test.title += ` (skipped: ${paths.shared} is absent, nothing to compare against)`;
      this.skip();
    }
  });

  it('finds files to compare', function () {
    expect(pairs().length).to.be.greaterThan(FILES.length);
  });

  it('has a copy of every shared file', function () {
    const missing = pairs().filter((p) => !existsSync(p.copy)).map((p) => relative(paths.root, p.copy));
    expect(missing, 'copies missing').to.deep.equal([]);
  });

  it('has every copy byte-identical to its shared original', function () {
    const differing = pairs()
      .filter((p) => existsSync(p.copy) && !readFileSync(p.copy).equals(readFileSync(p.shared)))
      .map((p) => relative(paths.root, p.copy));
    expect(differing, 'copies that differ from ../shared').to.deep.equal([]);
  });

  it('has no file in the copied folders that ../shared lacks', function () {
    const extra = FOLDERS.flatMap(({ shared, copy }) =>
      filesUnder(copy).filter((rel) => !existsSync(join(shared, rel))).map((rel) => join(relative(paths.root, copy), rel)),
    );
    expect(extra, 'files with no shared original').to.deep.equal([]);
  });
});
