/**
 * The command line as the build bundles it (dist/bundle, scripts/build-if-changed.mjs): a
 * command with a runtime of its own (command-runtime.ts) loads its modules from here, one
 * bundle instead of some 110 separate ESM files.
 */
export async function runBundledCli(argv: string[]): Promise<number> {
  const { consoleIo } = await import('./command.js');
  const { commands } = await import('./commands/index.js');
  const { runCli } = await import('./run-cli.js');
  return runCli(argv, commands, consoleIo);
}
