import { describeError } from '../errors.js';
import type { CliCommand, CliIo, LazyCommand } from './command.js';

/**
 * Dispatches `csdl-gateway <command> [options]`. `--help` works on every command from its
 * `usage`. A failure ends in one readable line with its code, never a bare stack trace:
 * exit 2 for bad usage or configuration, 1 for anything else.
 */
export { UsageError } from './cli-error.js';

const USAGE_CODES: ReadonlySet<string> = new Set([
  'ERR_PARSE_ARGS_UNKNOWN_OPTION', 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE', 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL',
  'cli.usage', 'config.invalid', 'sources.invalid_file', 'sources.unknown_source',
]);

/** An error of the command line or the configuration (exit 2), not of the work (exit 1). */
export function isUsageError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && USAGE_CODES.has(code);
}

export function overview(commands: readonly Pick<CliCommand, 'name' | 'summary'>[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'Usage: csdl-gateway <command> [options]',
    '',
    'The gateway between the provincial civil-servant database and the national CSDL.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'csdl-gateway <command> --help' for a command's options.",
  ].join('\n');
}

/** `commands` as modules already loaded, or lazily: only the one named is imported. */
export async function runCli(argv: string[], commands: readonly (CliCommand | LazyCommand)[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(overview(commands));
    return name ? 0 : 2;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.err(`csdl-gateway: unknown command '${name}'`);
    io.err(overview(commands));
    return 2;
  }
  const command = 'load' in entry ? await entry.load() : entry;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    io.err(`csdl-gateway ${name}: ${describeError(err)}`);
    if (isUsageError(err)) {
      io.err(`Run 'csdl-gateway ${name} --help' for usage.`);
      return 2;
    }
    return 1;
  }
}
