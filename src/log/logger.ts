import winston from 'winston';
import { maskPersonalData, maskText } from './mask.js';

/**
 * winston, JSON lines in production and readable lines on a terminal. Work carries its ids
 * (`syncId`, `packetId`, `requestId`, `attempt`) through child loggers: `logger.child({...})`.
 * ERROR means a person must act. Every line passes through the personal-number mask.
 */
export type Logger = winston.Logger;

export interface LoggerOptions {
  level?: string;
  format?: 'json' | 'pretty';
  /** Where lines go; default stdout (tests pass a stream to read them back). */
  stream?: NodeJS.WritableStream;
}

const SPLAT = Symbol.for('splat');

const maskFormat = winston.format((info) => {
  const masked = maskPersonalData({ ...info }) as Record<string, unknown>;
  for (const [k, v] of Object.entries(masked)) (info as Record<string, unknown>)[k] = v;
  // The copy above masked `message` when it is an enumerable field. `logger.error(err)` makes
  // the Error itself the info, whose own `message` is not enumerable: the spread missed it.
  if (!Object.prototype.propertyIsEnumerable.call(info, 'message') && typeof info.message === 'string') {
    info.message = maskText(info.message);
  }
  delete (info as Record<symbol, unknown>)[SPLAT];
  return info;
});

const pretty = winston.format.printf((info) => {
  const { level, message, timestamp, ...meta } = info as Record<string, unknown>;
  // Object.entries lists string keys only: winston's symbol keys (level, splat) never show.
  const ids = Object.entries(meta)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' ');
  return `${String(timestamp).slice(11, 19)} ${String(level).padEnd(5)} ${String(message)}${ids ? `  ${ids}` : ''}`;
});

export function createLogger(options: LoggerOptions = {}): Logger {
  const format = options.format ?? (process.stdout.isTTY ? 'pretty' : 'json');
  const transport = options.stream
    ? new winston.transports.Stream({ stream: options.stream })
    : new winston.transports.Console({ stderrLevels: [] });
  // winston formats every line before its transport drops those below the level: a request
  // line at `info` on a gateway logging at `warn` would still be masked and serialised. The
  // gate drops it first.
  const gate = winston.format((info) => (logger.isLevelEnabled(info.level) ? info : false));
  const logger: Logger = winston.createLogger({
    level: options.level ?? 'info',
    format: winston.format.combine(
      gate(),
      winston.format.timestamp(),
      maskFormat(),
      format === 'json' ? winston.format.json() : pretty,
    ),
    transports: [transport],
  });
  return logger;
}

/** A logger that drops everything, for tests and library defaults. */
export function silentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console({ silent: true })] });
}
