#!/usr/bin/env node
/* global process, console */
// `npm start` runs this first: it builds dist/ only when a source or build setting is newer
// than the last build, so a start after no change does not pay for a full tsc run (46 s on a
// loaded 2-core machine; this check takes milliseconds). A file deleted from src/ changes its
// folder's mtime, so it counts too. `npm run build` (--force) always builds, and leaves the stamp.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');
const inputs = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

const sources = Math.max(...inputs.map((p) => newest(join(root, p))));
const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const force = process.argv.includes('--force');
if (!force && built >= sources && existsSync(join(root, 'dist', 'cli', 'index.js'))) {
  console.error('dist/ is up to date with src/: not rebuilding (npm run build forces it)');
  process.exit(0);
}
const started = Date.now();
if (!force) console.error(built ? 'sources changed since the last build: building dist/' : 'no build yet: building dist/ (once)');
const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);
// The sync loads its modules from a bundle (src/cli/command-runtime.ts): loading some 110
// separate ESM files cost a sync with nothing to do about 50 ms more, a twelfth of its time
// (docs/decisions/sync-throughput.md). Packages stay outside the bundle, loaded from
// node_modules as before; a module imported on demand becomes a chunk of its own, loaded on
// demand. The mapping threads the sync starts come from the same bundle.
const { build } = await import('esbuild');
const bundle = join(root, 'dist', 'bundle');
rmSync(bundle, { recursive: true, force: true });
await build({
  entryPoints: ['cli/bundled-cli.js', 'mapping/mapping-worker.js'].map((entry) => join(root, 'dist', entry)),
  outdir: bundle, entryNames: '[name]', bundle: true, splitting: true, format: 'esm', platform: 'node',
  packages: 'external', logLevel: 'warning',
});
// The stamp takes the time the build started, so an edit made during it still counts.
writeFileSync(stamp, `${new Date(started).toISOString()}\n`);
utimesSync(stamp, started / 1000, started / 1000);
if (!force) console.error(`built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
