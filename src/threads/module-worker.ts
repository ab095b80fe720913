import { dirname, extname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';

/**
 * A worker thread running the module `name` (without extension) beside `from` (the caller's
 * import.meta.url): .js when built; .ts when running from source under tsx (tests,
 * benchmarks). A worker thread does not inherit tsx's loader on Node 20, so there a small
 * script registers it first and then imports the module.
 */
export function spawnModuleWorker(from: string, name: string, workerData: unknown, resourceLimits: ResourceLimits): Worker {
  const ext = extname(fileURLToPath(from));
  const url = new URL(`./${name}${ext}`, from);
  if (ext !== '.ts') return new Worker(url, { workerData, resourceLimits });
  // tsx/esm/api's ESM build (its CommonJS build registers a wrong path from a worker).
  const tsxRoot = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const tsx = pathToFileURL(join(tsxRoot, 'dist/esm/api/index.mjs')).href;
  const script = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(script, { eval: true, workerData, resourceLimits });
}
