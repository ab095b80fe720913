import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PathsError } from './paths-error.js';

/**
 * The project root: the folder holding package.json. The same code runs from `src/` (tests,
 * tsx) and from `dist/` (npm start, the Docker image), so files shipped beside the code
 * (migrations, contract copies, mappings) are found from here rather than from the cwd.
 */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new PathsError('paths.root_not_found', 'cannot find the project root (package.json)');
    dir = parent;
  }
}

export const projectRoot = findRoot();

export const paths = {
  root: projectRoot,
  migrations: join(projectRoot, 'src', 'db', 'migrations'),
  nationalSchemas: join(projectRoot, 'contract', 'national', 'schemas'),
  nationalCodes: join(projectRoot, 'contract', 'national', 'codes'),
  provincialSchemaSql: join(projectRoot, 'contract', 'provincial', 'schema.sql'),
  provincialSampleSql: join(projectRoot, 'contract', 'provincial', 'sample.sql'),
  mappings: join(projectRoot, 'mappings'),
  defaultConfig: join(projectRoot, 'config', 'default.json'),
  /** `../shared` beside the checkout, when present (developer machines and CI). */
  shared: resolve(projectRoot, '..', 'shared'),
} as const;
