#!/usr/bin/env node
import { endQuietlyOnClosedPipe } from './closed-stdout.js';
import { consoleIo } from './command.js';
import { commands } from './commands/index.js';
import { runCli } from './run-cli.js';

endQuietlyOnClosedPipe(process.stdout);
const argv = process.argv.slice(2);
// A command that names a thread runs on one (src/cli/command-thread.ts); its help does not.
const thread = commands.find((c) => c.name === argv[0])?.thread;
if (thread && !argv.includes('--help') && !argv.includes('-h')) {
  const { runInCommandThread } = await import('./command-thread.js');
  process.exitCode = await runInCommandThread(argv, thread);
} else {
  process.exitCode = await runCli(argv, commands, consoleIo);
}
