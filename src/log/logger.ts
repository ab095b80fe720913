import { createRequire } from 'node:module';
import type winston from 'winston';
import { createWinstonLogger, type Winston } from './winston-pipeline.js';

/**
 * winston child loggers that carry the ids of the work (`syncId`, `packetId`, `requestId`,
 * `attempt`): `logger.child({...})`. ERROR means a person must act. Every line passes through
 * the personal-number mask (winston-pipeline.ts).
 *
 * winston and its formats are loaded when the first line at an enabled level is written, not
 * when a logger is made: a command logging at `warn` that has nothing to warn about (a sync
 * with nothing due) never loads them (about 100 ms of a process's start,
 * docs/decisions/sync-throughput.md). The level is checked here first, as winston would, so
 * a line below the level is neither masked nor serialised.
 */
export interface Logger {
  error(message: string | Error, meta?: object): Logger;
  warn(message: string, meta?: object): Logger;
  info(message: string, meta?: object): Logger;
  debug(message: string, meta?: object): Logger;
  /** A logger whose lines carry `meta` too (the call's own meta wins on a clash). */
  child(meta: Record<string, unknown>): Logger;
  isLevelEnabled(level: string): boolean;
}

export interface LoggerOptions {
  level?: string;
  format?: 'json' | 'pretty';
  /** Where lines go; default stdout (tests pass a stream to read them back). */
  stream?: NodeJS.WritableStream;
}

/** npm's levels, as winston ranks them: a line is written when its rank is at most the logger's. */
const RANK: Readonly<Record<string, number>> = { error: 0, warn: 1, info: 2, http: 3, verbose: 4, debug: 5, silly: 6 };

type Level = 'error' | 'warn' | 'info' | 'debug';

const requireHere = createRequire(import.meta.url);

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const format = options.format ?? (process.stdout.isTTY ? 'pretty' : 'json');
  const threshold = RANK[level] ?? RANK.info!;
  let root: winston.Logger | undefined;
  const lines = (): winston.Logger =>
    (root ??= createWinstonLogger(requireHere('winston') as Winston, { level, format, ...(options.stream ? { stream: options.stream } : {}) }));
  const enabled = (l: string): boolean => (RANK[l] ?? Infinity) <= threshold;

  const make = (meta: Record<string, unknown> | undefined): Logger => {
    let mine: winston.Logger | undefined;
    const target = (): winston.Logger => (mine ??= meta ? lines().child(meta) : lines());
    const at = (l: Level) => (message: string | Error, extra?: object): Logger => {
      if (!enabled(l)) return self;
      const t = target();
      if (extra === undefined) t[l](message as string);
      else t[l](message as string, extra);
      return self;
    };
    const self: Logger = {
      error: at('error'),
      warn: at('warn'),
      info: at('info'),
      debug: at('debug'),
      child: (more) => make(meta ? { ...meta, ...more } : { ...more }),
      isLevelEnabled: enabled,
    };
    return self;
  };
  return make(undefined);
}

/** A logger that drops everything, for tests and library defaults. */
export function silentLogger(): Logger {
  const self: Logger = {
    error: () => self, warn: () => self, info: () => self, debug: () => self,
    child: () => self, isLevelEnabled: () => false,
  };
  return self;
}
