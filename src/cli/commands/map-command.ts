import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { ensureDemoProvince } from '../../app/demo-province-step.js';
import { openSourceFromOption, type OpenedDatabase } from '../../compose/databases.js';
import { silentLogger } from '../../log/logger.js';
import { loadConfig } from '../../config/config.js';
import { nationalContract } from '../../contract/national-contract.js';
import { encodePayload, type PayloadFormat } from '../../encoding/payload-codec.js';
import { loadMapping } from '../../mapping/mapping-loader.js';
import { emptySummary, formatSummary, tally } from '../../mapping/map-summary.js';
import { mapPerson } from '../../mapping/person-mapper.js';
import { readPersons, type PersonFilter } from '../../source/person-reader.js';
import type { CliCommand, CliIo } from '../command.js';
import { UsageError } from '../run-cli.js';

/**
 * `csdl-gateway map`: a dry run of the mapping (issue 3 §6). Reads persons from the provincial
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
  --person ID       a vendor person id (qlcb.can_bo.id); repeat for several
  --all             every person
  --approved        only persons whose latest approval is DA_DUYET
  --format F        json (default): "record" is the record; xml: "record" is its XML text
                    (contract xml-encoding.md)
  --out FILE        where to write the JSON lines (required)
  --database URL    the provincial database; default SOURCE_DATABASE_URL, or the embedded
                    demo database under DATA_DIR
  --mapping PATH    mapping folder or file; default MAPPING_FILE (mappings/qlcb)
  --chunk N         persons read per query (default 1000)
  --help            this text

Example:
  csdl-gateway map --all --out /tmp/records.jsonl`;

/** The provincial database; an embedded demo one is seeded on first use, as by start. */
async function openSource(url: string | undefined): Promise<OpenedDatabase> {
  const opened = await openSourceFromOption(url, loadConfig, 'csdl-gateway map');
  if (opened.embedded) await ensureDemoProvince(opened, loadConfig(), silentLogger());
  return opened;
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

  const contract = nationalContract();
  const mapping = loadMapping(values.mapping ?? loadConfig().mappingFile, contract);
  const filter: PersonFilter = persons.length > 0
    ? { vendorIds: persons, approvedOnly: values.approved }
    : { all: true, approvedOnly: values.approved };
  const source = await openSource(values.database);
  const out = createWriteStream(values.out, { encoding: 'utf8' });
  const summary = emptySummary();
  try {
    for await (const { reference, persons: people } of readPersons(source.db, mapping, filter, chunk)) {
      const lines: string[] = [];
      for (const person of people) {
        const result = mapPerson(mapping, person, reference);
        tally(summary, result);
        const soDinhDanh = typeof person.doc.so_cccd === 'string' ? person.doc.so_cccd : undefined;
        const line = result.ok
          ? { vendorId: person.vendorId, soDinhDanh: result.record.soDinhDanh ?? soDinhDanh, ok: true,
            record: format === 'json' ? result.record : encodePayload('record', 'xml', result.record, contract).toString('utf8') }
          : { vendorId: person.vendorId, soDinhDanh, ok: false, errors: result.errors };
        lines.push(JSON.stringify(line));
      }
      if (!out.write(`${lines.join('\n')}\n`)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'close').catch(() => undefined);
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
