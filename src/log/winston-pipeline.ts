import type winston from 'winston';
import { maskPersonalData, maskText } from './mask.js';

/**
 * The lines themselves: winston, JSON lines in production and readable lines on a terminal,
 * every line through the personal-number mask. Built from the winston module it is given, so
 * that logger.ts can load winston only once a line is written (a sync with nothing to log
 * never loads it).
 */
export type Winston = typeof winston;

export interface PipelineOptions {
  level: string;
  format: 'json' | 'pretty';
  /** Where lines go; stdout when absent. */
  stream?: NodeJS.WritableStream;
}

const SPLAT = Symbol.for('splat');

export function createWinstonLogger(w: Winston, options: PipelineOptions): winston.Logger {
  const maskFormat = w.format((info) => {
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
  const pretty = w.format.printf((info) => {
    const { level, message, timestamp, ...meta } = info as Record<string, unknown>;
    // Object.entries lists string keys only: winston's symbol keys (level, splat) never show.
    const ids = Object.entries(meta)
      .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join(' ');
    return `${String(timestamp).slice(11, 19)} ${String(level).padEnd(5)} ${String(message)}${ids ? `  ${ids}` : ''}`;
  });
  const transport = options.stream
    ? new w.transports.Stream({ stream: options.stream })
    : new w.transports.Console({ stderrLevels: [] });
  return w.createLogger({
    level: options.level,
    format: w.format.combine(w.format.timestamp(), maskFormat(), options.format === 'json' ? w.format.json() : pretty),
    transports: [transport],
  });
}
