#!/usr/bin/env node
import { consoleIo } from './command.js';
import { commands } from './commands/index.js';
import { runCli } from './run-cli.js';

process.exitCode = await runCli(process.argv.slice(2), commands, consoleIo);
