import { Router } from 'express';
import { startGateway, type StartStep } from '../../../src/app/gateway.js';
import { runUntilSignal } from '../../../src/app/run-until-signal.js';
import { loadConfig } from '../../../src/config/config.js';
import { createLogger } from '../../../src/log/logger.js';

/**
 * A gateway process for the shutdown tests: the real start-up and signal handling on the
 * embedded store, with one extra route, GET /test/slow?ms=N, that answers after N ms, so a
 * test can hold a request in flight while it sends SIGTERM. Prints `listening <port>`.
 */
const slowRoute: StartStep = async (ctx) => {
  const router = Router();
  router.get('/test/slow', (req, res) => {
    setTimeout(() => res.json({ done: true }), Number(req.query.ms ?? 500));
  });
  ctx.routers.push(router);
};

const config = loadConfig();
const logger = createLogger({ level: 'info', format: 'json' });
const gateway = await startGateway(config, logger, [slowRoute]);
process.stdout.write(`listening ${gateway.port}\n`);
process.exitCode = await runUntilSignal(gateway, config, logger);
