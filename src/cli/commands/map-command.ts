import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { openSourceFromOption, type OpenedDatabase } from '../../compose/databases.js';
import { ensureDemoProvince } from '../../compose/demo-province.js';
import { silentLogger } from '../../log/logger.js';
import { loadConfig, type Config } from '../../config/config.js';
import { nationalContract } from '../../contract/national-contract.js';
import type { PayloadFormat } from '../../encoding/payload-codec.js';
import { mapAhead } from '../../mapping/map-ahead.js';
import type { MappedPerson } from '../../mapping/mapped-person.js';
import { loadEffectiveMapping } from '../../mapping/mapping-loader.js';
import { createPersonMapper } from '../../mapping/mapping-pool.js';
import { emptySummary, formatSummary, tally } from '../../mapping/map-summary.js';
import { readRawPersons, type PersonFilter } from '../../source/person-reader.js';
import type { CliCommand, CliIo } from '../command.js';
import { UsageError } from '../run-cli.js';
import { progressReporter } from '../progress-reporter.js';
import { countPeople } from '../../source/person-counts.js';

/**
 * `csdl-gateway map`: a dry run of the mapping. Reads persons from the provincial
 * database, maps and pre-validates each, writes one JSON line per person and a summary. It
 * sends nothing and writes nothing to the provincial database.
 */
const USAGE = `Usage: csdl-gateway map (--person VENDOR_ID... | --all) --out FILE [options]

Maps persons of the provincial database to national records and checks each the way the
national side will. Writes one JSON line per person to FILE:
  {"vendorId", "soDinhDanh", "ok": true, "record"}   or
  {"vendorId", "soDinhDanh", "ok": false, "errors": [{"code", "path", "source", "message"}]}
and prints a summary: read, valid, invalid by error code. Sends nothing.

Options:
  --person ID       a vendor person id (the mapping's source.persons.id); repeat for several
  --all             every person
  --approved        only persons whose latest approval is approved (the mapping's approvedValue)
  --format F        json (default): "record" is the record; xml: "record" is its XML text
                    (contract xml-encoding.md)
  --out FILE        where to write the JSON lines (required)
  --database URL    the provincial database; default SOURCE_DATABASE_URL, or the embedded
                    demo database under DATA_DIR
  --mapping PATH    mapping folder or file; default MAPPING_FILE (mappings/qlcb); the
                    province's overlay (MAPPING_OVERLAY_FILE) is applied over it
  --chunk N         persons read per query (default 1000)
  --help            this text

Example:
  csdl-gateway map --all --out /tmp/records.jsonl`;

/** The provincial database; an embedded demo one is seeded on first use, as by start. */
async function openSource(url: string | undefined, config: Config): Promise<OpenedDatabase> {
  const opened = await openSourceFromOption(url, () => config, 'csdl-gateway map');
  await ensureDemoProvince(opened, config, silentLogger());
  return opened;
}

/** One output line; a JSON record is spliced in as the mapping threads serialised it. */
function mapLine(person: MappedPerson, format: PayloadFormat): string {
  const head = { vendorId: person.vendorId, soDinhDanh: person.soDinhDanh, ok: person.ok };
  if (!person.ok) return JSON.stringify({ ...head, errors: person.errors });
  const record = format === 'json' ? person.recordJson : JSON.stringify(person.recordXml);
  return `${JSON.stringify(head).slice(0, -1)},"record":${record}}`;
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      person: { type: 'string', multiple: true },
      all: { type: 'boolean', default: false },
      approved: { type: 'boolean', default: false },
      format: { type: 'string', default: 'json' },
      out: { type: 'string' },
      database: { type: 'string' },
      mapping: { type: 'string' },
      chunk: { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  });
  const persons = values.person ?? [];
  if ((persons.length > 0) === values.all) throw new UsageError('give either --person (one or more) or --all');
  if (values.out === undefined) throw new UsageError('--out FILE is required');
  const format = values.format as PayloadFormat;
  if (format !== 'json' && format !== 'xml') throw new UsageError(`--format must be json or xml, got '${values.format}'`);
  const chunk = values.chunk === undefined ? 1000 : Number(values.chunk);
  if (!Number.isSafeInteger(chunk) || chunk < 1) throw new UsageError(`--chunk must be a whole number >= 1, got '${values.chunk}'`);

  const config = loadConfig();
  const mapping = loadEffectiveMapping({ ...config, mappingFile: values.mapping ?? config.mappingFile }, nationalContract());
  const filter: PersonFilter = persons.length > 0
    ? { vendorIds: persons, approvedOnly: values.approved }
    : { all: true, approvedOnly: values.approved };
  const source = await openSource(values.database, config);
  // This thread only reads and writes lines, so it maps a chunk too when the threads are full.
  const mapper = createPersonMapper(mapping, { threads: config.mappingThreads, xml: format === 'xml', callerShares: true });
  const out = createWriteStream(values.out, { encoding: 'utf8' });
  const summary = emptySummary();
  const progress = progressReporter({ label: 'map', unit: 'people' });
  try {
    // The total first (one count over the person filter), so the bar has an end and an ETA.
    const total = persons.length > 0 ? new Set(persons).size : await countPeople(source.db, mapping.source).then((c) => (values.approved ? c.approved : c.people));
    let done = 0;
    const reads = readRawPersons(source.db, mapping, filter, chunk);
    for await (const mapped of mapAhead(reads, ({ reference, raws }) => mapper.map(raws, reference), mapper.inFlight)) {
      const lines: string[] = [];
      for (const person of mapped) {
        tally(summary, person);
        lines.push(mapLine(person, format));
      }
      if (!out.write(`${lines.join('\n')}\n`)) await once(out, 'drain');
      done += mapped.length;
      progress.onProgress({ done, total });
    }
  } finally {
    progress.stop();
    out.end();
    await once(out, 'close').catch(() => undefined);
    await mapper.close();
    await source.close();
  }
  io.out(`map: ${mapping.name} -> ${values.out}`);
  for (const line of formatSummary(summary)) io.out(line);
  return 0;
}

export const mapCommand: CliCommand = {
  name: 'map',
  summary: 'map and pre-validate persons of the provincial database (sends nothing)',
  usage: USAGE,
  run,
};
