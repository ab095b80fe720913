import type { CliCommand } from '../command.js';
import { auditCommand } from './audit-command.js';
import { clientsCommand } from './clients-command.js';
import { configCommand } from './config-command.js';
import { demoDataCommand } from './demo-data-command.js';
import { keysCommand } from './keys-command.js';
import { mapCommand } from './map-command.js';
import { mappingCommand } from './mapping-command.js';
import { migrateCommand } from './migrate-command.js';
import { pullCommand } from './pull-command.js';
import { simulatorCommand } from './simulator-command.js';
import { startCommand } from './start-command.js';
import { syncCommand } from './sync-command.js';
import { tokensCommand } from './tokens-command.js';
import { transfersCommand } from './transfers-command.js';
import { txCommand } from './tx-command.js';
import { verifyCommand } from './verify-command.js';

/** Every command of the `csdl-gateway` CLI, in the order `--help` lists them. */
export const commands: CliCommand[] = [
  startCommand, syncCommand, txCommand, tokensCommand, migrateCommand, configCommand, keysCommand, verifyCommand,
  mapCommand, mappingCommand, demoDataCommand, simulatorCommand,
  pullCommand, transfersCommand, auditCommand, clientsCommand,
];
