/**
 * A CLI command: one module per command under src/cli/commands, registered in
 * src/cli/commands/index.ts as a LazyCommand (loaded only when it runs). The dispatcher answers `--help` for every command from
 * `usage`, so a command only parses its own options (node:util parseArgs).
 * `run` returns the process exit code; it writes through `io`, never to the console,
 * so tests can capture what a user would see.
 */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  /** True when stdout is a terminal (progress lines, colours). */
  isTty: boolean;
}

export interface CliCommand {
  name: string;
  summary: string;
  /** Full help text: synopsis, options, examples. */
  usage: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

/** A command known by name and summary, its module imported only when it is run or asked for help. */
export interface LazyCommand {
  name: string;
  summary: string;
  load(): Promise<CliCommand>;
  /** Run from the command line with the process set up so first (src/cli/command-runtime.ts). */
  runtime?: CommandRuntime;
}

/** How the process is set up for a command run from the command line (src/cli/command-runtime.ts). */
export interface CommandRuntime {
  /** V8 flags, each set with v8.setFlagsFromString before the command's modules load. */
  v8Flags: string[];
  /** The command never uses fetch: Node's fetch globals are removed. */
  withoutFetch?: boolean;
}

export const consoleIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  isTty: Boolean(process.stdout.isTTY),
};
