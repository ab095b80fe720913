import { parseArgs } from 'node:util';
import { startGateway } from '../../app/gateway.js';
import { runUntilSignal } from '../../app/run-until-signal.js';
import { startSteps } from '../../app/start-steps.js';
import { loadConfig } from '../../config/config.js';
import { createLogger } from '../../log/logger.js';
import { loadEffectiveMapping } from '../../mapping/mapping-loader.js';
import type { CliCommand } from '../command.js';

export const startCommand: CliCommand = {
  name: 'start',
  summary: 'Run the gateway: HTTP server, scheduled sync, and the embedded default when unconfigured',
  usage: `Usage: csdl-gateway start [--port N]

Starts the gateway and keeps running until SIGINT or SIGTERM.
With no configuration it runs on the embedded default: an embedded PostgreSQL (PGlite) under
DATA_DIR for its store and for a demo provincial database, a development PKI under certs/dev,
and the local national simulator on loopback. Configuration comes from config/default.json,
CONFIG_FILE and the environment (see README, "Configuration").

Options:
  --port N   HTTP port (overrides PORT)
  --help     show this help`,
  async run(argv, io) {
    const { values } = parseArgs({ args: argv, options: { port: { type: 'string' } }, strict: true });
    const config = loadConfig(values.port ? { ...process.env, PORT: values.port } : process.env);
    // The mapping's static check (`mapping check` without --db) before any database is opened
    // or created: a broken mapping is one line naming its file and JSON pointer, nothing written.
    loadEffectiveMapping(config);
    const logger = createLogger({ level: config.logLevel, format: config.logFormat });
    const gateway = await startGateway(config, logger, startSteps());
    io.out('csdl-gateway is running');
    for (const line of gateway.summary) io.out(`  ${line}`);
    logger.info('gateway started', { port: gateway.port });
    return runUntilSignal(gateway, config, logger);
  },
};
