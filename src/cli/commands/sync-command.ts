import { parseArgs } from 'node:util';
import { ensureDemoProvince } from '../../app/demo-province-step.js';
import { openSourceDatabase, openStoreDatabase } from '../../compose/databases.js';
import { openNationalSide } from '../../compose/national-side.js';
import { openSigner } from '../../compose/signer.js';
import { composeSync } from '../../compose/sync-compose.js';
import { loadConfig } from '../../config/config.js';
import { bindInstance } from '../../db/instance-store.js';
import { migrate } from '../../db/migrate.js';
import { createLogger } from '../../log/logger.js';
import { formatSummary } from '../../sync/sync-summary.js';
import type { CliCommand } from '../command.js';
import { UsageError } from '../run-cli.js';

export const syncCommand: CliCommand = {
  name: 'sync',
  summary: 'Run one sync now: approved changes to the national side, signed, with receipts',
  usage: `Usage: csdl-gateway sync [--dry-run] [--limit N]

Reads the people whose latest approval is newer than what was last sent, maps and
pre-validates them, packs them into signed packets, sends them through NDXP (or the built-in
national simulator when NDXP_URL is unset) and lands the receipts. Prints what it did: due,
skipped unchanged, invalid, packets sent, records accepted / stale / rejected.

Options:
  --dry-run   build and sign the packets into the outbox's preview only (packet_previews);
              nothing is sent and nothing is marked as sent
  --limit N   take at most N due people this run`,
  async run(argv, io) {
    const { values } = parseArgs({ args: argv, options: { 'dry-run': { type: 'boolean' }, limit: { type: 'string' } }, strict: true });
    const limit = values.limit === undefined ? undefined : Number(values.limit);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new UsageError(`--limit must be a whole number >= 1, got '${values.limit}'`);
    const config = loadConfig();
    const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, format: config.logFormat });
    const closers: (() => Promise<void>)[] = [];
    try {
      const store = await openStoreDatabase(config);
      closers.push(() => store.close());
      await migrate(store.db);
      await bindInstance(store.db, config.senderCode);
      const source = await openSourceDatabase(config);
      closers.push(() => source.close());
      await ensureDemoProvince(source, config, logger);
      const { signer } = await openSigner(config, logger);
      const national = values['dry-run'] ? undefined : await openNationalSide(config);
      if (national) closers.push(() => national.close());
      const service = composeSync(config, { store, source, signer, national, logger });
      const summary = await service.run({
        dryRun: values['dry-run'] === true,
        ...(limit !== undefined ? { limit } : {}),
        ...(io.isTty ? { onProgress: (line: string) => io.out(`  … ${line}`) } : {}),
      });
      for (const line of formatSummary(summary)) io.out(line);
      if (values['dry-run']) io.out('dry run: packets are in csdl_gateway.packet_previews; nothing was sent');
      return summary.packetsFailed > 0 ? 1 : 0;
    } finally {
      for (const close of closers.reverse()) await close().catch(() => undefined);
    }
  },
};
