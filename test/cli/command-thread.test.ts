import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { threadModulesFrom } from '../../src/cli/command-thread.js';
import { paths } from '../../src/paths.js';

describe('cli: where a command thread loads its modules from', function () {
  it('built: from the bundle the build makes, which holds the mapping thread beside it', function () {
    const built = pathToFileURL(join(paths.root, 'dist', 'cli', 'command-thread.js')).href;
    const from = threadModulesFrom(built);
    expect(from).to.equal(pathToFileURL(join(paths.root, 'dist', 'bundle', 'command-thread-main.js')).href);
    // The mapping pool, bundled, starts its threads from the module beside its chunk.
    expect(existsSync(join(paths.root, 'dist', 'bundle', 'mapping-worker.js'))).to.equal(true);
  });

  it('from source (tsx) or a dist/ without the bundle: from the modules beside it', function () {
    const source = pathToFileURL(join(paths.root, 'src', 'cli', 'command-thread.ts')).href;
    expect(threadModulesFrom(source)).to.equal(source);
    const dir = mkdtempSync(join(tmpdir(), 'csdl-thread-'));
    try {
      mkdirSync(join(dir, 'cli'));
      writeFileSync(join(dir, 'cli', 'command-thread.js'), '');
      const bare = pathToFileURL(join(dir, 'cli', 'command-thread.js')).href;
      expect(threadModulesFrom(bare)).to.equal(bare);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
