import { parseArgs } from 'node:util';
import { openSourceFromOption } from '../../compose/databases.js';
import type { Config } from '../../config/config.js';
import type { CompiledMapping } from '../../mapping/mapping-compiler.js';
import { MappingError } from '../../mapping/mapping-error.js';
import { loadEffectiveMapping } from '../../mapping/mapping-loader.js';
import { checkAgainstDatabase } from '../../source/live-check.js';
import type { CliIo } from '../command.js';
import { UsageError } from '../run-cli.js';

/**
 * `csdl-gateway mapping check [--db URL] [--sample N] [--mapping PATH]`: the mapping on its own
 * (every key of the mapping language, every rule, every code against the national lists: the
 * check `start` and every command make when they load it), then, with --db, against the live
 * provincial database (live-check.ts). One line per problem, `file.json#/pointer: reason`;
 * exit 1 on any problem. Reads only; writes nothing anywhere.
 */
export const CHECK_USAGE = `check     checks the mapping (MAPPING_FILE, or --mapping) on its own: every key, rule and
          code against the national lists. With --db, also against the provincial database:
          every table and column it names exists with a usable type, the person filter,
          documentSql and reference SQL run, the unit tree has no cycle, and --sample N
          people (default 100) are read, mapped and pre-validated. One line per problem,
          file.json#/json/pointer: reason; exit 1 on any problem.`;

/** The file each top-level key of the mapping came from, for the problems found live. */
function fileOf(mapping: CompiledMapping, pointer: string): string {
  const top = pointer.split('/')[1] ?? '';
  const doc = mapping.documents.find((d) => d.overlay !== true && typeof d.json === 'object' && d.json !== null && top in d.json);
  return doc?.file ?? mapping.documents[0]?.file ?? '(mapping)';
}

export async function mappingCheck(argv: string[], io: CliIo, config: Config): Promise<number> {
  const { values } = parseArgs({
    args: argv, strict: true,
    options: { db: { type: 'string' }, database: { type: 'string' }, sample: { type: 'string' }, mapping: { type: 'string' } },
  });
  const sample = values.sample === undefined ? 100 : Number(values.sample);
  if (!Number.isInteger(sample) || sample < 0) throw new UsageError('--sample takes a whole number of people');
  const files = { ...config, mappingFile: values.mapping ?? config.mappingFile };
  let mapping: CompiledMapping;
  try {
    mapping = loadEffectiveMapping(files);
  } catch (err) {
    if (!(err instanceof MappingError)) throw err;
    const lines = err.details.length > 0 ? err.details.map((d) => `${d.path}: ${d.message}`) : [`${files.mappingFile}: ${err.message}`];
    for (const line of lines) io.out(line);
    io.out(`mapping check: ${lines.length} problem(s) in ${files.mappingFile}`);
    return 1;
  }
  const url = values.db ?? values.database;
  if (url === undefined) {
    const missing = [mapping.units ? '' : 'units (sharing covers nobody)', mapping.staging ? '' : 'staging (pull refuses)'].filter(Boolean);
    io.out(`mapping check: ${mapping.name} (${files.mappingFile}) is well-formed${missing.length > 0 ? `; it declares no ${missing.join(', no ')}` : ''}; give --db URL to check it against the provincial database`);
    return 0;
  }
  const source = await openSourceFromOption(url, () => config, 'csdl-gateway mapping check');
  try {
    const started = Date.now();
    const { problems, sample: outcome } = await checkAgainstDatabase(source.db, mapping, sample);
    for (const p of problems) io.out(`${fileOf(mapping, p.pointer)}#${p.pointer}: ${p.message}`);
    if (outcome) {
      io.out(`sample: ${outcome.read} people read, ${outcome.valid} mapped and valid, ${outcome.read - outcome.valid} refused by the rules`);
      const top = [...outcome.invalid].sort((a, b) => b[1] - a[1]).slice(0, 10);
      for (const [what, n] of top) io.out(`  ${n} × ${what}`);
    }
    io.out(`mapping check: ${problems.length === 0 ? 'ok' : `${problems.length} problem(s)`} against the database (${Date.now() - started} ms)`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    await source.close();
  }
}
