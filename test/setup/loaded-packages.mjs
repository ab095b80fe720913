// Preloaded into a CLI child (NODE_OPTIONS=--import): at exit, writes the npm packages the
// process loaded through require (CommonJS, as winston, node-forge and cli-progress are) to
// the file LOADED_PACKAGES_FILE names, one JSON array. Each thread has its own module cache
// and runs this at its own exit: each adds its packages to those the file already holds.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import process from 'node:process';

const cache = createRequire(import.meta.url).cache;
const file = process.env.LOADED_PACKAGES_FILE;
if (file) {
  process.on('exit', () => {
    const names = new Set(existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : []);
    for (const key of Object.keys(cache)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(key);
      if (m) names.add(m[1]);
    }
    writeFileSync(file, JSON.stringify([...names].sort()));
  });
}
