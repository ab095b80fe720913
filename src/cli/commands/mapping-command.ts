import { parseArgs } from 'node:util';
import { openNamedSource, openSourceFromOption } from '../../compose/databases.js';
import { ensureDemoProvince } from '../../compose/demo-province.js';
import { loadConfig, type Config } from '../../config/config.js';
import { silentLogger } from '../../log/logger.js';
import { readAbbreviations } from '../../mapping-gaps/abbreviations-file.js';
import { formatGaps } from '../../mapping-gaps/gaps-format.js';
import { findGaps, type Gap } from '../../mapping-gaps/gaps-service.js';
import { loadEffectiveMapping, readOverlay, writeOverlay } from '../../mapping/mapping-loader.js';
import { overlaySynonyms, withoutSynonym, withSynonym } from '../../mapping/mapping-overlay.js';
import type { CliCommand, CliIo } from '../command.js';
import { CHECK_USAGE, mappingCheck } from './mapping-check.js';
import { UsageError } from '../run-cli.js';
import { progressReporter } from '../progress-reporter.js';

/**
 * `csdl-gateway mapping`: upkeep of the mapping by the province. `gaps` lists the vendor
 * values the mapping does not know, over the whole provincial database, with suggestions that
 * are only shown; `synonym add|list|remove` edits the province's overlay (MAPPING_OVERLAY_FILE),
 * which every command loads over the shipped mapping.
 */
const USAGE = `Usage: csdl-gateway mapping check [--db URL] [--sample N] [--mapping PATH]
       csdl-gateway mapping gaps [--json] [--database URL | --source NAME]
       csdl-gateway mapping synonym add LIST 'VALUE' CODE
       csdl-gateway mapping synonym list [--json]
       csdl-gateway mapping synonym remove LIST 'VALUE'

${CHECK_USAGE}
gaps      reads every person of the provincial database (not only those due) and lists each
          vendor value no synonym or code of the mapping matches: the national list, the
          vendor column, the value as typed, how many people carry it, a few vendor ids, and
          up to three suggestions from the national list (shown, never applied). Also the
          units people work in that have no agency code. --json prints an array of
          {list, source, value, people, examples, suggestions: [{code, ten, score}]}; units
          are items with list "don_vi" (value: the unit id). A merged province (SOURCES_FILE):
          every source is read through its own mapping and overlay, each gap naming its
          source (sourceName; in the text, a heading per source); --source NAME reads one.
synonym   the province's own synonyms, kept in MAPPING_OVERLAY_FILE (default
          DATA_DIR/mapping-overlay.json) and loaded over the shipped mapping by sync, start and
          map, so a gateway upgrade never loses them. add refuses a list or a code the
          national lists do not have (mapping.code_not_in_list) and a value that already
          gives another code (mapping.synonym_conflict). The next sync maps again the people
          it refused for a value the synonym now matches, without a new approval.

Options:
  --json          machine-readable output (gaps, synonym list)
  --database URL  the provincial database (gaps); default SOURCE_DATABASE_URL, or the
                  embedded demo database under DATA_DIR
  --source NAME   a merged province: the gaps of this source only (nguồn)

Examples:
  csdl-gateway mapping check --db postgres://reader@hr-db:5432/hr --sample 1000
  csdl-gateway mapping gaps
  csdl-gateway mapping synonym add ly-luan-chinh-tri 'TC chính trị' TC`;

/**
 * A merged province's gaps, source by source: each source opened by its name and read through
 * its own mapping and overlay (as the sync reads it), each gap naming its source.
 */
async function sourceGaps(io: CliIo, config: Config, names: readonly string[], json: boolean): Promise<number> {
  const all: (Gap & { sourceName: string })[] = [];
  for (const name of names) {
    const entry = config.sources.sources.find((s) => s.name === name)!;
    const mapping = loadEffectiveMapping({ mappingFile: entry.mapping, mappingOverlayFile: entry.overlayFile ?? `${config.dataDir}/mapping-overlay-${name}.json` });
    const source = await openNamedSource(config, name, entry.databaseUrl);
    try {
      const progress = progressReporter({ label: `mapping gaps (${name})`, unit: 'vendor columns' });
      const found = await findGaps(source.db, mapping, readAbbreviations(), progress.onProgress).finally(() => progress.stop());
      all.push(...found.map((g) => ({ ...g, sourceName: name })));
      if (!json) {
        io.out(`source ${name} (${mapping.name}) / nguồn ${name}:`);
        for (const line of formatGaps(found)) io.out(`  ${line}`);
      }
    } finally {
      await source.close();
    }
  }
  if (json) io.out(JSON.stringify(all, null, 2));
  return 0;
}

async function gaps(argv: string[], io: CliIo, config: Config): Promise<number> {
  const { values } = parseArgs({
    args: argv, options: { json: { type: 'boolean', default: false }, database: { type: 'string' }, source: { type: 'string' } }, strict: true,
  });
  if (values.source !== undefined) {
    if (values.database !== undefined) throw new UsageError('give --database URL or --source NAME, not both');
    const known = config.sources.sources.map((s) => s.name);
    if (!known.includes(values.source)) {
      throw new UsageError(`no source named '${values.source}' (không có nguồn '${values.source}'); known: ${known.join(', ')}`);
    }
  }
  if (config.sources.fromFile && values.database === undefined) {
    return sourceGaps(io, config, values.source !== undefined ? [values.source] : config.sources.sources.map((s) => s.name), values.json);
  }
  const mapping = loadEffectiveMapping(config);
  // Reads only: beside a running embedded gateway it reads through the gateway's own server.
  const source = await openSourceFromOption(values.database, () => config, 'csdl-gateway mapping gaps', { borrowRunning: true });
  try {
    await ensureDemoProvince(source, config, silentLogger());
    const progress = progressReporter({ label: 'mapping gaps', unit: 'vendor columns' });
    const found = await findGaps(source.db, mapping, readAbbreviations(), progress.onProgress).finally(() => progress.stop());
    if (values.json) io.out(JSON.stringify(found, null, 2));
    else for (const line of formatGaps(found)) io.out(line);
  } finally {
    await source.close();
  }
  return 0;
}

function synonym(argv: string[], io: CliIo, config: Config): number {
  const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } }, strict: true, allowPositionals: true });
  const [action, list, value, code, ...extra] = positionals;
  const file = config.mappingOverlayFile;
  if (action === 'list') {
    if (list !== undefined) throw new UsageError('synonym list takes no arguments');
    // Loading checks the overlay the way sync would, so a broken file shows here first.
    loadEffectiveMapping(config);
    const synonyms = overlaySynonyms(readOverlay(file));
    if (values.json) io.out(JSON.stringify(synonyms, null, 2));
    else {
      io.out(`overlay ${file}: ${synonyms.length} synonym(s)`);
      for (const s of synonyms) io.out(`  ${s.list}  '${s.value}' -> ${s.code}`);
    }
    return 0;
  }
  if (action === 'add') {
    if (list === undefined || value === undefined || code === undefined || extra.length > 0) throw new UsageError("synonym add takes LIST 'VALUE' CODE");
    const mapping = loadEffectiveMapping(config);
    const outcome = withSynonym(readOverlay(file), mapping.matcher(list), list, value, code);
    if (!outcome.added) {
      io.out(`'${value}' already gives ${list} ${outcome.code}; nothing to add`);
      return 0;
    }
    // Compiled with the edit before it is written: a refusal leaves the file as it was.
    loadEffectiveMapping(config, undefined, outcome.overlay);
    writeOverlay(file, outcome.overlay);
    io.out(`added to ${file}: ${list} '${value.trim()}' -> ${code}`);
    io.out('the next sync maps again the people refused for this value, without a new approval');
    return 0;
  }
  if (action === 'remove') {
    if (list === undefined || value === undefined || code !== undefined) throw new UsageError("synonym remove takes LIST 'VALUE'");
    const { overlay, removed } = withoutSynonym(readOverlay(file), list, value);
    writeOverlay(file, overlay);
    io.out(`removed from ${file}: ${removed.list} '${removed.value}' -> ${removed.code}`);
    return 0;
  }
  throw new UsageError('synonym takes add, list or remove');
}

export const mappingCommand: CliCommand = {
  name: 'mapping',
  summary: "check a mapping; find vendor values it does not know; the province's own synonyms",
  usage: USAGE,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    if (sub === 'check') return mappingCheck(rest, io, loadConfig());
    if (sub === 'gaps') return gaps(rest, io, loadConfig());
    if (sub === 'synonym') return synonym(rest, io, loadConfig());
    throw new UsageError('give check, gaps or synonym');
  },
};
