#!/usr/bin/env node
import { endQuietlyOnClosedPipe } from './closed-stdout.js';
import { commands } from './commands/index.js';

endQuietlyOnClosedPipe(process.stdout);
const argv = process.argv.slice(2);
// A command that names a runtime of its own runs set up so, from the bundle (src/cli/command-runtime.ts); its help does not.
const runtime = commands.find((c) => c.name === argv[0])?.runtime;
if (runtime && !argv.includes('--help') && !argv.includes('-h')) {
  const { runWithRuntime } = await import('./command-runtime.js');
  process.exitCode = await runWithRuntime(argv, runtime);
} else {
  const { consoleIo } = await import('./command.js');
  const { runCli } = await import('./run-cli.js');
  process.exitCode = await runCli(argv, commands, consoleIo);
}
