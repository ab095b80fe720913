import type { CliCommand, LazyCommand } from '../command.js';

/**
 * Every command of the `csdl-gateway` CLI, in the order `--help` lists them. Each names its
 * module, imported only when that command runs (or prints its usage): importing all sixteen
 * up front (express, the simulator, PGlite, ajv schemas compiled at load...) cost 1.3-1.6 s
 * before any command began, most of a sync with nothing to do (docs/decisions/sync-throughput.md).
 * The summaries are repeated here so the overview loads nothing; test/cli checks they match.
 */
const lazy = (name: string, summary: string, load: () => Promise<CliCommand>): LazyCommand => ({ name, summary, load });

export const commands: LazyCommand[] = [
  lazy('start', 'Run the gateway: HTTP server, scheduled sync, and the embedded default when unconfigured',
    async () => (await import('./start-command.js')).startCommand),
  // A sync lets its old generation grow at most 150% past what a full GC kept: left to V8,
  // ~33 MB live grew to ~100 MB before each full GC; peak RSS at 20,000 people ~300 -> ~255 MiB,
  // CPU alike. It speaks HTTP through axios's http adapter and never uses fetch: without Node's
  // fetch globals, pg, as it loads, no longer loads undici (30-50 ms) to look for a Cloudflare
  // `Response`. Set in the process itself: the worker thread it ran on before, for a young
  // generation capped at 8 MB, cost a sync with nothing to do 90-120 ms and saved no CPU
  // (docs/decisions/sync-throughput.md).
  // --no-turbo-inlining: V8's optimising compiler inlines no function into another. With
  // inlining, a first sync kept its compile threads busy ~2.1 s (the record check's ajv function
  // alone ~0.5 s), on the cores the sync and PostgreSQL need; without, ~1.3-1.5 s, and the
  // process's user CPU fell ~0.3-0.5 s at 20,000 people and ~1.5 s at 100,000 (alternated runs).
  { ...lazy('sync', 'Run one sync now: approved changes to the national side, signed, with receipts',
    async () => (await import('./sync-command.js')).syncCommand),
    runtime: { v8Flags: ['--heap-growing-percent=150', '--no-turbo-inlining'], withoutFetch: true } },
  lazy('tx', 'Inspect the outbox: summary, packets, records, a packet, its envelope, a person',
    async () => (await import('./tx-command.js')).txCommand),
  lazy('tokens', 'Create, list and revoke the API tokens of operators and auditors',
    async () => (await import('./tokens-command.js')).tokensCommand),
  lazy('migrate', "Create or upgrade the gateway's own schema (csdl_gateway) in its store",
    async () => (await import('./migrate-command.js')).migrateCommand),
  lazy('config', 'Check the configuration and print the effective values (secrets hidden)',
    async () => (await import('./config-command.js')).configCommand),
  lazy('keys', 'Show the signing keys in use, create a development PKI, or inspect key files',
    async () => (await import('./keys-command.js')).keysCommand),
  lazy('verify', 'Verify a saved signed envelope and print its header',
    async () => (await import('./verify-command.js')).verifyCommand),
  lazy('map', 'map and pre-validate persons of the provincial database (sends nothing)',
    async () => (await import('./map-command.js')).mapCommand),
  lazy('mapping', "check a mapping; find vendor values it does not know; the province's own synonyms",
    async () => (await import('./mapping-command.js')).mappingCommand),
  lazy('demo-data', 'fill a provincial database (vendor schema) with generated people',
    async () => (await import('./demo-data-command.js')).demoDataCommand),
  lazy('simulator', 'Run the national CSDL simulator (contract v1) standalone, for rehearsals and tests',
    async () => (await import('./simulator-command.js')).simulatorCommand),
  lazy('pull', "Pull a transferee's national record and stage it for the receiving unit",
    async () => (await import('./pull-command.js')).pullCommand),
  lazy('transfers', 'List the transferee pulls with their status and working-day deadline',
    async () => (await import('./transfers-command.js')).transfersCommand),
  lazy('audit', "Verify, checkpoint and read the tamper-evident audit log; a person's access report",
    async () => (await import('./audit-command.js')).auditCommand),
  lazy('clients', 'Manage the agencies that read shared data: clients, grants, revocations',
    async () => (await import('./clients-command.js')).clientsCommand),
];
