#!/usr/bin/env node
import { endQuietlyOnClosedPipe } from './closed-stdout.js';
import { consoleIo } from './command.js';
import { commands } from './commands/index.js';
import { runCli } from './run-cli.js';

endQuietlyOnClosedPipe(process.stdout);
process.exitCode = await runCli(process.argv.slice(2), commands, consoleIo);
