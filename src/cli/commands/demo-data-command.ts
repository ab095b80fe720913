import { parseArgs } from 'node:util';
import { openSourceFromOption, type OpenedDatabase } from '../../compose/databases.js';
import { loadConfig } from '../../config/config.js';
import { DEMO_VENDOR_NAMES, DEMO_VENDORS, isDemoVendor } from '../../demo/demo-vendors.js';
import type { GenerationSummary } from '../../demo/generate-people.js';
import type { CliCommand, CliIo } from '../command.js';
import { UsageError } from '../run-cli.js';
import { progressReporter } from '../progress-reporter.js';

/**
 * `csdl-gateway demo-data`: fills a provincial database (a vendor's schema, installed if
 * absent) with generated people, for the demo, the tests and the benches. Failures are thrown:
 * run-cli turns them into one line and the exit code (2 for usage, 1 otherwise).
 */
const USAGE = `Usage: csdl-gateway demo-data --people N [--vendor V] [--database URL] [--seed S] [--with-sample]

Fills a provincial database with N generated people: the vendor's schema is created if it is
absent, then units, code lists, people, their history and their approvals are written. The
same seed gives the same people whichever the vendor.

Options:
  --people N        how many people to generate (required)
  --vendor V        whose schema: qlcb (default; contract/provincial/schema.sql) or nhansu
                    (mappings/nhansu/schema.sql)
  --database URL    the provincial database, postgres://user:pass@host:port/db; default
                    SOURCE_DATABASE_URL, or the embedded demo database under DATA_DIR
  --seed S          random seed (default 1): the same seed gives the same people
  --with-sample     also load the qlcb sample (contract/provincial/sample.sql) if absent;
                    only into an empty schema; qlcb only
  --help            this text

Example:
  csdl-gateway demo-data --people 100000 --database postgres://postgres@127.0.0.1:5432/qlcb
  csdl-gateway demo-data --people 2000 --vendor nhansu --database postgres://postgres@127.0.0.1:5432/nhansu`;

function wholeNumber(value: string | undefined, name: string, min: number): number {
  const n = Number(value);
  if (value === undefined || !/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${name} must be a whole number >= ${min}${value === undefined ? '' : `, got '${value}'`}`);
  }
  return n;
}

export function formatSummary(summary: GenerationSummary, seconds: number): string[] {
  const pct = (n: number) => (summary.people === 0 ? '0' : ((100 * n) / summary.people).toFixed(1));
  const quirks = Object.entries(summary.byQuirk).filter(([, n]) => n > 0).map(([q, n]) => `${q} ${n}`);
  return [
    `demo-data: ${summary.people} people in ${seconds.toFixed(1)} s`,
    `  approved ${summary.approved} (${pct(summary.approved)} %), invalid on purpose ${summary.intentionallyInvalid.size}`,
    `  rows: ${Object.entries(summary.rows).map(([t, n]) => `${t} ${n}`).join(', ')}`,
    `  quirks: ${quirks.join(', ')}`,
  ];
}

const openTarget = (url: string | undefined): Promise<OpenedDatabase> =>
  openSourceFromOption(url, loadConfig, 'csdl-gateway demo-data');

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      people: { type: 'string' },
      seed: { type: 'string' },
      database: { type: 'string' },
      'with-sample': { type: 'boolean', default: false },
      vendor: { type: 'string', default: 'qlcb' },
    },
    strict: true,
    allowPositionals: false,
  });
  const people = wholeNumber(values.people, 'people', 1);
  const seed = values.seed === undefined ? 1 : wholeNumber(values.seed, 'seed', 0);
  const vendorName = values.vendor ?? 'qlcb';
  if (!isDemoVendor(vendorName)) throw new UsageError(`--vendor must be one of ${DEMO_VENDOR_NAMES.join(', ')}, got '${vendorName}'`);
  const vendor = DEMO_VENDORS[vendorName];
  if (values['with-sample'] === true && vendorName !== 'qlcb') throw new UsageError(`--with-sample: only qlcb ships a sample, not ${vendorName}`);

  const target = await openTarget(values.database);
  try {
    const installed = await vendor.install(target.db, values['with-sample'] === true);
    io.out(`demo-data: ${vendorName} into ${target.db.description}${installed.schemaCreated ? ', vendor schema created' : ''}${installed.sampleLoaded ? ', sample loaded' : ''}`);
    const started = performance.now();
    const progress = progressReporter({ label: 'demo-data', unit: 'people' });
    const summary = await vendor.generate(target.db, {
      people,
      seed,
      // The embedded PGlite runs one transaction at a time: writing two chunks at once only queues.
      concurrency: target.embedded ? 1 : 2,
      onProgress: (done) => progress.onProgress({ done, total: people }),
    }).finally(() => progress.stop());
    for (const line of formatSummary(summary, (performance.now() - started) / 1000)) io.out(line);
    return 0;
  } finally {
    await target.close();
  }
}

export const demoDataCommand: CliCommand = {
  name: 'demo-data',
  summary: 'fill a provincial database (vendor schema) with generated people',
  usage: USAGE,
  run,
};
