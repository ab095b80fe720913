import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bundledCliFrom } from '../../src/cli/command-runtime.js';
import { commands } from '../../src/cli/commands/index.js';
import { paths } from '../../src/paths.js';

describe('cli: a command run with a runtime of its own', function () {
  it('built: loads its modules from the bundle the build makes, which holds the mapping thread beside it', function () {
    const built = pathToFileURL(join(paths.root, 'dist', 'cli', 'command-runtime.js')).href;
    expect(bundledCliFrom(built)).to.equal(pathToFileURL(join(paths.root, 'dist', 'bundle', 'bundled-cli.js')).href);
    expect(existsSync(join(paths.root, 'dist', 'bundle', 'bundled-cli.js'))).to.equal(true);
    // The mapping pool, bundled, starts its threads from the module beside its chunk.
    expect(existsSync(join(paths.root, 'dist', 'bundle', 'mapping-worker.js'))).to.equal(true);
  });

  it('from source (tsx) or a dist/ without the bundle: from the module beside it', function () {
    const source = pathToFileURL(join(paths.root, 'src', 'cli', 'command-runtime.ts')).href;
    expect(bundledCliFrom(source)).to.equal(pathToFileURL(join(paths.root, 'src', 'cli', 'bundled-cli.ts')).href);
    const dir = mkdtempSync(join(tmpdir(), 'csdl-runtime-'));
    try {
      mkdirSync(join(dir, 'cli'));
      writeFileSync(join(dir, 'cli', 'command-runtime.js'), '');
      expect(bundledCliFrom(pathToFileURL(join(dir, 'cli', 'command-runtime.js')).href)).to.equal(pathToFileURL(join(dir, 'cli', 'bundled-cli.js')).href);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** A fresh process, set up as the sync command says or not at all: what its fetch globals are. */
  function fetchGlobals(apply: boolean): { response: string; fetch: string; headers: string } {
    const runtime = commands.find((c) => c.name === 'sync')?.runtime;
    expect(runtime, 'the sync command names a runtime').to.not.equal(undefined);
    const script = `
      import { applyRuntime } from ${JSON.stringify(pathToFileURL(join(paths.root, 'src', 'cli', 'command-runtime.ts')).href)};
      if (${apply}) applyRuntime(${JSON.stringify(runtime)});
      console.log(JSON.stringify({ response: typeof Response, fetch: typeof fetch, headers: typeof Headers }));`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: paths.root, encoding: 'utf8' });
    expect(run.status, run.stderr).to.equal(0);
    return JSON.parse(run.stdout.trim().split('\n').pop()!) as { response: string; fetch: string; headers: string };
  }

  it('the sync: runs without fetch globals (pg, loading, would touch Response and load undici)', function () {
    this.timeout(30_000);
    expect(fetchGlobals(false)).to.deep.equal({ response: 'function', fetch: 'function', headers: 'function' });
    expect(fetchGlobals(true)).to.deep.equal({ response: 'undefined', fetch: 'undefined', headers: 'undefined' });
  });
});
