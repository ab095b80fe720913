import { readFile, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { exportCheckpoint, parseCheckpointFile, type CheckpointTrust } from '../../audit/audit-checkpoint.js';
import { renderReport } from '../../audit/access-report.js';
import {
  createAuditReader, entryView, parseFormat, parseLimit, parseSince, parseSoDinhDanh, type Who,
} from '../../audit/audit-service.js';
import { entryTable, verifyVerdict } from '../../audit/audit-table.js';
import { verifyAuditLog } from '../../audit/audit-verify.js';
import { openAuditLog } from '../../compose/audit-log.js';
import { openMigratedStore } from '../../compose/databases.js';
import { openSigner } from '../../compose/signer.js';
import { loadConfig } from '../../config/config.js';
import type { Db } from '../../db/db.js';
import { isGatewayError } from '../../errors.js';
import { silentLogger } from '../../log/logger.js';
import type { CmsSigner } from '../../signing/cms-signer.js';
import { parseTrustAnchors } from '../../signing/trust-anchors.js';
import type { CliCommand, CliIo } from '../command.js';
import { UsageError } from '../run-cli.js';
import { progressReporter } from '../progress-reporter.js';

/**
 * `csdl-gateway audit verify|checkpoint|list|person`: the audit log from the store directly,
 * so it works with the gateway stopped. Reading entries (list, person) is a read of personal
 * data and is itself audited, as the `cli` actor named by the OS user.
 */
const USAGE = `Usage: csdl-gateway audit <subcommand> [options]

  audit verify [--checkpoint FILE]... [--json]
      Check the hash chain entry by entry against every signed checkpoint in the store and in
      the given files (exported by 'audit checkpoint'). Exit 0 when intact; 1 naming the first
      bad entry: edited, deleted, reordered, replaced, a truncated tail, a rewritten chain, or a
      checkpoint whose signature does not verify (TRUST_ANCHORS_FILE and the signer's certificate).
  audit checkpoint [--out FILE]
      Sign a checkpoint of the chain now (count and head, detached CMS with the province's key),
      store it, and write it as JSON to FILE (stdout without --out) to keep outside the store.
  audit list [--person SO] [--actor NAME] [--action A] [--since DATE] [--limit N] [--json]
      Entries, newest first (default 50, at most 1000). DATE: YYYY-MM-DD (from midnight in
      Vietnam) or an ISO 8601 time.
  audit person SO [--since DATE] [--format json|csv|html]
      The person's access report: every read or change of their data, by whom, when, which
      field groups, for what purpose; html is a printable page in Vietnamese.

Examples:
  csdl-gateway audit checkpoint --out /safe/audit-checkpoint.json
  csdl-gateway audit verify --checkpoint /safe/audit-checkpoint.json
  csdl-gateway audit person 026185000001 --format html > report.html`;

export interface AuditCommandDeps {
  /** The migrated store; default DATABASE_URL or the embedded store under DATA_DIR. */
  openStore(): Promise<{ db: Db; close(): Promise<void> }>;
  /** The province's signer and what verifies checkpoints. */
  openTrust(): Promise<{ signer: CmsSigner; trust: CheckpointTrust }>;
  /** Who runs the command, for the entries it appends. */
  user(): string;
}

/** TRUST_ANCHORS_FILE (or the development PKI's) and the current signing certificate, pinned. */
async function configuredTrust(): Promise<{ signer: CmsSigner; trust: CheckpointTrust }> {
  const config = loadConfig();
  const opened = await openSigner(config, silentLogger());
  const identity = opened.signer.identity();
  const anchors = opened.trustAnchorsFile
    ? parseTrustAnchors(await readFile(opened.trustAnchorsFile, 'utf8'), opened.trustAnchorsFile)
    : [];
  return { signer: opened.signer, trust: { trustAnchors: [...anchors, identity.certificate, ...identity.chain], sender: config.senderCode } };
}

const defaultDeps: AuditCommandDeps = {
  openStore: async () => (await openMigratedStore(loadConfig(), { borrowRunning: true })).store,
  openTrust: configuredTrust,
  user: () => {
    try {
      return userInfo().username;
    } catch {
      return 'unknown';
    }
  },
};

/** A subcommand parses its options first, then opens the store (`store()`), so bad usage costs no start-up. */
type Sub = (args: string[], io: CliIo, deps: AuditCommandDeps, store: () => Promise<Db>) => Promise<number>;

async function verify(args: string[], io: CliIo, deps: AuditCommandDeps, store: () => Promise<Db>): Promise<number> {
  const { values } = parseArgs({ args, options: { checkpoint: { type: 'string', multiple: true }, json: { type: 'boolean' } }, strict: true });
  const db = await store();
  const { trust } = await deps.openTrust();
  let report;
  try {
    const external = await Promise.all((values.checkpoint ?? []).map(async (file) => ({
      source: file, ...parseCheckpointFile(await readFile(file, 'utf8'), file),
    })));
    const progress = progressReporter({ label: 'audit verify', unit: 'entries' });
    report = await verifyAuditLog(db, { trust, external, progress: progress.onProgress }).finally(() => progress.stop());
  } catch (err) {
    if (!isGatewayError(err) || err.code !== 'audit.checkpoint_invalid') throw err;
    report = { ok: false, entries: 0, head: '', checkpoints: 0, problem: { kind: 'checkpoint_invalid' as const, message: err.message } };
  }
  if (values.json) io.out(JSON.stringify(report, null, 2));
  else for (const line of verifyVerdict(report)) (report.ok ? io.out : io.err)(line);
  return report.ok ? 0 : 1;
}

async function checkpoint(args: string[], io: CliIo, deps: AuditCommandDeps, store: () => Promise<Db>): Promise<number> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } }, strict: true });
  const db = await store();
  const { signer } = await deps.openTrust();
  const audit = await openAuditLog(db, signer, silentLogger());
  const signed = await audit.checkpoint();
  await audit.close();
  const text = `${JSON.stringify(exportCheckpoint(signed), null, 2)}\n`;
  if (values.out === undefined) {
    io.out(text.trimEnd());
  } else {
    await writeFile(values.out, text);
    io.out(`checkpoint: ${signed.statement.count} entries, head ${signed.statement.head}, signed ${signed.statement.signedAt}`);
    io.out(`written to ${values.out}`);
  }
  return 0;
}

/** The reader, with the audit log its reads append to; closed (flushed) by `done`. */
async function openReader(deps: AuditCommandDeps, db: Db) {
  const { signer } = await deps.openTrust();
  const audit = await openAuditLog(db, signer, silentLogger());
  const who: Who = { actor: { kind: 'cli', name: deps.user() } };
  return { reader: createAuditReader(db, audit), who, done: () => audit.close() };
}

const usage = <T>(parse: () => T): T => {
  try {
    return parse();
  } catch (err) {
    throw isGatewayError(err) && err.status === 400 ? new UsageError(err.message) : err;
  }
};

async function list(args: string[], io: CliIo, deps: AuditCommandDeps, store: () => Promise<Db>): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      person: { type: 'string' }, actor: { type: 'string' }, action: { type: 'string' }, since: { type: 'string' },
      limit: { type: 'string' }, json: { type: 'boolean' },
    },
    strict: true,
  });
  const filter = usage(() => ({
    limit: parseLimit(values.limit, 50),
    ...(values.person !== undefined ? { person: parseSoDinhDanh(values.person) } : {}),
    ...(values.actor !== undefined ? { actor: values.actor } : {}),
    ...(values.action !== undefined ? { action: values.action } : {}),
    ...(values.since !== undefined ? { since: parseSince(values.since) as Date } : {}),
  }));
  const { reader, who, done } = await openReader(deps, await store());
  try {
    const entries = await reader.list(filter, who);
    if (values.json) io.out(JSON.stringify(entries.map(entryView), null, 2));
    else for (const line of entryTable(entries, io.isTty ? process.stdout.columns || 160 : undefined)) io.out(line);
  } finally {
    await done();
  }
  return 0;
}

async function person(args: string[], io: CliIo, deps: AuditCommandDeps, store: () => Promise<Db>): Promise<number> {
  const { values, positionals } = parseArgs({
    args, options: { since: { type: 'string' }, format: { type: 'string' } }, allowPositionals: true, strict: true,
  });
  if (positionals.length !== 1) throw new UsageError('audit person needs one số định danh');
  const [so, since, format] = usage(() => [parseSoDinhDanh(positionals[0]), parseSince(values.since), parseFormat(values.format)] as const);
  const { reader, who, done } = await openReader(deps, await store());
  try {
    io.out(renderReport(await reader.accessReport(so, since, who), format).body.trimEnd());
  } finally {
    await done();
  }
  return 0;
}

const SUBCOMMANDS: Record<string, Sub> = { verify, checkpoint, list, person };

export function createAuditCommand(deps: AuditCommandDeps = defaultDeps): CliCommand {
  return {
    name: 'audit',
    summary: 'Verify, checkpoint and read the tamper-evident audit log; a person\'s access report',
    usage: USAGE,
    async run(argv, io) {
      const [name, ...rest] = argv;
      const sub = name !== undefined && Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
      if (sub === undefined) throw new UsageError(name === undefined ? 'audit needs a subcommand: verify, checkpoint, list or person' : `unknown subcommand '${name}'`);
      let opened: { db: Db; close(): Promise<void> } | undefined;
      try {
        return await sub(rest, io, deps, async () => (opened ??= await deps.openStore()).db);
      } finally {
        await opened?.close();
      }
    },
  };
}

export const auditCommand = createAuditCommand();
