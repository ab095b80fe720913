import { parseArgs } from 'node:util';
import { openSyncEdges } from '../../compose/sync-edges.js';
import { composeSync } from '../../compose/sync-compose.js';
import { loadConfig } from '../../config/config.js';
import { createLogger } from '../../log/logger.js';
import { formatSummary, SYNC_EXIT, syncExitCode } from '../../sync/sync-summary.js';
import { describeError, isGatewayError } from '../../errors.js';
import type { CliCommand } from '../command.js';
import { UsageError } from '../run-cli.js';
import { progressReporter } from '../progress-reporter.js';

export const syncCommand: CliCommand = {
  name: 'sync',
  summary: 'Run one sync now: approved changes to the national side, signed, with receipts',
  usage: `Usage: csdl-gateway sync [--dry-run] [--limit N] [--json]

Reads the people whose latest approval is newer than what was last sent, maps and
pre-validates them, packs them into signed packets, sends them through NDXP (or the built-in
national simulator when NDXP_URL is unset) and lands the receipts. Prints what it did: due,
skipped unchanged, invalid, packets sent, records accepted / stale / rejected.

Options:
  --dry-run   build and sign the packets into the outbox's preview only (packet_previews);
              nothing is sent and nothing is marked as sent
  --limit N   take at most N due people this run
  --json      print the summary as one JSON object (due, queued, unchanged, invalid,
              packetsBuilt, packetsSent, packetsFailed, packetsPending, receiptsPending,
              accepted, stale, rejected, skipped)

Exit status:
  0   everything due went through (receipts not final yet are landed by the next sync)
  75  work stays pending: the national side was unavailable, another sync was running, or
      a source of a merged province (SOURCES_FILE) could not be read; the next sync carries on
  1   a packet was refused for good (see 'csdl-gateway tx retry'), or an error`,
  async run(argv, io) {
    const { values } = parseArgs({ args: argv, options: { 'dry-run': { type: 'boolean' }, limit: { type: 'string' }, json: { type: 'boolean' } }, strict: true });
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new UsageError(`--limit must be a whole number >= 1, got '${values.limit}'`);
    const config = loadConfig();
    // With --json, stdout holds the summary alone: log lines go to stderr.
    const logger = createLogger({
      level: config.logLevel === 'info' ? 'warn' : config.logLevel, format: config.logFormat,
      ...(values.json ? { stream: process.stderr } : {}),
    });
    let edges: Awaited<ReturnType<typeof openSyncEdges>>;
    try {
      // The key is read once something is to be signed: a run with nothing due reads none.
      edges = await openSyncEdges(config, logger, { national: values['dry-run'] !== true, deferSigner: true });
    } catch (err) {
      // No source of a merged province opened: nothing was read, the next run tries again.
      if (isGatewayError(err) && err.code === 'sync.no_source_reachable') {
        io.err(`csdl-gateway sync: ${describeError(err)}`);
        return SYNC_EXIT.pending;
      }
      throw err;
    }
    const progress = progressReporter({ label: 'sync', unit: 'people' });
    // A merged province's sync may settle conflicts by the file's policy: each settlement is audited.
    // The audit log signs its checkpoints as it writes: its key is read now.
    const openAudit = async () => {
      await edges.signer.ready?.();
      const { openAuditLog } = await import('../../compose/audit-log.js');
      return openAuditLog(edges.store.db, edges.signer, logger);
    };
    // Only that policy audits during a sync: a manual one's no-change run reads no key.
    const audit = config.sources.fromFile && config.sources.conflictPolicy === 'latest-approval' ? await openAudit().catch(async (err: unknown) => {
      await edges.close();
      throw err;
    }) : undefined;
    try {
      const service = composeSync(config, { ...edges, logger, ...(audit ? { audit } : {}) });
      const summary = await service.run({
        dryRun: values['dry-run'] === true,
        ...(limit !== undefined ? { limit } : {}),
        progress: progress.onProgress,
        onProgress: (line: string) => {
          // The per-chunk counts are the bar's; the phases that follow get a line each.
          if (!line.startsWith('due ')) progress.note(line);
        },
      });
      progress.stop();
      if (values.json) {
        io.out(JSON.stringify(summary));
      } else {
        for (const line of formatSummary(summary)) io.out(line);
        if (values['dry-run']) io.out('dry run: packets are in csdl_gateway.packet_previews; nothing was sent');
      }
      return syncExitCode(summary);
    } finally {
      progress.stop();
      await audit?.close().catch(() => undefined);
      await edges.close();
    }
  },
};
