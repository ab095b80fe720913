import { parentPort, workerData } from 'node:worker_threads';
import type { CommandThreadData } from './command-thread.js';

/** The thread of src/cli/command-thread.ts: the command runs here as it would on the main thread. */
const data = workerData as CommandThreadData;
// Said before anything asks: the log format and the progress bar follow them.
Object.assign(process.stdout, data.stdout);
Object.assign(process.stderr, data.stderr);
const { consoleIo } = await import('./command.js');
const { commands } = await import('./commands/index.js');
const { runCli } = await import('./run-cli.js');
parentPort?.postMessage({ exitCode: await runCli(data.argv, commands, consoleIo) });
