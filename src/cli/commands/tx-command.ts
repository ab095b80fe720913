import { userInfo } from 'node:os';
import type { AuditLog } from '../../audit/audit-entry.js';
import { openAuditLog } from '../../compose/audit-log.js';
import { openMigratedStore, openNamedSource, openSourceDatabase } from '../../compose/databases.js';
import { loadConfig } from '../../config/config.js';
import type { Db } from '../../db/db.js';
import { createLogger } from '../../log/logger.js';
import { openedSource, opsService, personExplainer, personExplainerAcrossSources } from '../../compose/ops-compose.js';
import { sourceExplainer } from '../../ops/person-explain-service.js';
import type { Queryable } from '../../db/db.js';
import { loadEffectiveMapping, loadMapping } from '../../mapping/mapping-loader.js';
import type { Mapping } from '../../mapping/mapping-types.js';
import type { TxContext, TxSession } from './tx/tx-context.js';
import { txSubcommands } from './tx/tx-subcommands.js';
import type { CliCommand } from '../command.js';
import { UsageError } from '../run-cli.js';

/**
 * `csdl-gateway tx ...`: the operators' view of the outbox from a shell. It reads the store
 * directly, so it works with the gateway stopped, and audits every read of personal data as
 * the OS user (actor kind `cli`) through the same audit log the API uses.
 */
export interface TxCommandDeps {
  openStore(): Promise<{ db: Db; close(): Promise<void> }>;
  openAudit(db: Db): Promise<AuditLog & { close(): Promise<void> }>;
  user(): string;
  /**
   * The provincial database and the mapping, for `tx person`'s lookups by CMND and its stored
   * values; default the configured ones. With a name (`--source`), that source of a merged
   * province; undefined for a source the sources file no longer lists (its history only).
   */
  openSource?(name?: string): Promise<{ db: Queryable; close(): Promise<void> } | undefined>;
  mapping?(name?: string): Mapping | undefined;
  /** A merged province's listed sources (SOURCES_FILE), in whose every one `tx person` looks without `--source`; undefined for one database. */
  sourceNames?(): readonly string[] | undefined;
}

const defaults: Required<TxCommandDeps> = {
  async openStore() {
    const { store } = await openMigratedStore(loadConfig(), { borrowRunning: true });
    return { db: store.db, close: () => store.close() };
  },
  async openAudit(db) {
    const config = loadConfig();
    // The CLI signs nothing itself: checkpoints are the running gateway's job.
    return openAuditLog(db, undefined, createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, format: config.logFormat }));
  },
  user: () => userInfo().username,
  async openSource(name) {
    const config = loadConfig();
    if (name !== undefined) {
      const entry = config.sources.sources.find((s) => s.name === name);
      if (!entry) return undefined;
      const named = await openNamedSource(config, name, entry.databaseUrl, { borrowRunning: true });
      return { db: named.db, close: () => named.close() };
    }
    // Read-only: beside a running embedded gateway, through its own server (as the store).
    const source = await openSourceDatabase(config, { borrowRunning: true });
    return { db: source.db, close: () => source.close() };
  },
  sourceNames() {
    const config = loadConfig();
    return config.sources.fromFile ? config.sources.sources.map((s) => s.name) : undefined;
  },
  mapping(name) {
    const config = loadConfig();
    if (name === undefined) return loadMapping(config.mappingFile);
    const entry = config.sources.sources.find((s) => s.name === name);
    return entry ? loadEffectiveMapping({ mappingFile: entry.mapping, mappingOverlayFile: entry.overlayFile ?? `${config.dataDir}/mapping-overlay-${name}.json` }) : undefined;
  },
};

function usage(): string {
  return [
    'Usage: csdl-gateway tx <subcommand> [options]',
    '',
    "The outbox as operators see it: what did not reach the national database, and why. Reads the",
    'store directly, so it works with the gateway stopped; every read of personal data is audited as you.',
    '',
    ...txSubcommands.map((s) => `  csdl-gateway ${s.usage}`),
  ].join('\n');
}

export function createTxCommand(deps: TxCommandDeps): CliCommand {
  return {
    name: 'tx',
    summary: 'Inspect the outbox: summary, packets, records, a packet, its envelope, a person',
    get usage() {
      return usage();
    },
    async run(argv, io) {
      const [name, ...rest] = argv;
      const sub = txSubcommands.find((s) => s.name === name);
      if (!sub) throw new UsageError(name === undefined ? `tx needs a subcommand: ${txSubcommands.map((s) => s.name).join(', ')}` : `unknown tx subcommand '${name}'`);
      const closers: (() => Promise<void>)[] = [];
      let opened: Promise<TxSession> | undefined;
      const ctx: TxContext = {
        io,
        actor: { kind: 'cli', name: deps.user() },
        width: process.stdout.columns || 120,
        session() {
          opened ??= (async () => {
            const store = await deps.openStore();
            closers.push(() => store.close());
            const audit = await deps.openAudit(store.db);
            closers.push(() => audit.close());
            const openSource = deps.openSource ?? defaults.openSource!;
            const mapping = deps.mapping ?? defaults.mapping!;
            return {
              db: store.db, audit, ops: opsService(store.db, audit),
              async explainer(name) {
                const explainerOf = async (n?: string) => {
                  // A listed source that does not open is refused with its own code (sources.source_unavailable), audited.
                  const source = n === undefined ? await openSource(n) : await openedSource({ name: n, db: () => openSource(n) });
                  if (source) closers.push(() => source.close());
                  const used = mapping(n);
                  return personExplainer(store.db, audit, source && used ? { db: source.db, mapping: used } : undefined, n);
                };
                const listed = name === undefined ? deps.sourceNames?.() : undefined;
                if (listed) {
                  // A merged province without --source: every source, each through its own database and mapping.
                  return personExplainerAcrossSources(store.db, audit, listed.map((n) => ({
                    name: n,
                    mapping: () => mapping(n)!,
                    async db() {
                      const source = await openSource(n);
                      if (!source) throw new Error(`source ${n} is not in the sources file`);
                      closers.push(() => source.close());
                      return source.db;
                    },
                  })));
                }
                if (name === undefined) return explainerOf();
                const one = sourceExplainer(audit, explainerOf, []);
                return { explain: (ctx, lookup) => one(ctx, lookup, name) };
              },
            };
          })();
          return opened;
        },
      };
      try {
        return await sub.run(rest, ctx);
      } finally {
        for (const close of closers.reverse()) await close().catch(() => undefined);
      }
    },
  };
}

export const txCommand = createTxCommand(defaults);
