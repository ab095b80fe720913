import { parseArgs } from 'node:util';
import { openMigratedStore } from '../../compose/databases.js';
import { loadConfig } from '../../config/config.js';
import { listMigrations } from '../../db/migrate.js';
import type { CliCommand } from '../command.js';

export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: "Create or upgrade the gateway's own schema (csdl_gateway) in its store",
  usage: `Usage: csdl-gateway migrate

Applies the numbered SQL migrations shipped with this build to the store named by
DATABASE_URL (or the embedded store under DATA_DIR) and prints what it applied.
The gateway also migrates at start-up; this command lets an operator do it ahead of time.`,
  async run(argv, io) {
    parseArgs({ args: argv, options: {}, strict: true });
    const config = loadConfig();
    const { store, applied } = await openMigratedStore(config);
    try {
      const all = listMigrations();
      io.out(applied.length ? `applied migrations: ${applied.join(', ')}` : 'nothing to apply');
      io.out(`schema csdl_gateway is at version ${all.at(-1)?.version ?? 0} (${store.db.description})`);
      return 0;
    } finally {
      await store.close();
    }
  },
};
