import type cliProgress from 'cli-progress';
import { createRequire } from 'node:module';
import type { OnProgress, ProgressEvent } from '../progress/progress.js';

/**
 * Progress of long work on stderr, so a pipe of stdout carries the command's answer alone: a
 * bar drawn by cli-progress on a terminal (done / total, rate, ETA), and off a terminal one
 * plain line each time another tenth is done or ten seconds have passed, and a last line when
 * the work ends. Lines carry counts and the unit, never personal data. cli-progress is loaded
 * when a bar is first drawn: a run off a terminal, or with nothing to count, never loads it.
 */
export interface ProgressOutput {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface ProgressReporterOptions {
  /** The command, first on each line: `sync`, `map`. */
  label: string;
  /** What is counted: `people`, `entries`. */
  unit: string;
  stream?: ProgressOutput;
  /** Draw a bar (default: the stream is a terminal). */
  tty?: boolean;
  /** Milliseconds, for rates and the ten-second lines (tests give their own). */
  clock?: () => number;
  everyMs?: number;
  everyPercent?: number;
}

export interface ProgressReporter {
  onProgress: OnProgress;
  /** A line about the work (a phase begins): the bar is closed first. */
  note(line: string): void;
  /** The work ended: the bar is closed, or the last line written. */
  stop(): void;
}

const requireHere = createRequire(import.meta.url);

const rate = (done: number, ms: number): number => (ms > 0 ? Math.round((done * 1000) / ms) : 0);

function seconds(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/** One off-terminal line: `sync: 250/500 people (50%), 120/s, ETA 2s`. Pure. */
export function progressLine(label: string, unit: string, e: ProgressEvent, elapsedMs: number): string {
  const perSecond = rate(e.done, elapsedMs);
  if (e.total === undefined || e.total <= 0) return `${label}: ${e.done} ${unit}, ${perSecond}/s`;
  const percent = Math.min(100, Math.floor((e.done * 100) / e.total));
  const eta = perSecond > 0 && e.done < e.total ? `, ETA ${seconds(((e.total - e.done) / perSecond) * 1000)}` : '';
  return `${label}: ${e.done}/${e.total} ${unit} (${percent}%), ${perSecond}/s${eta}`;
}

export function progressReporter(options: ProgressReporterOptions): ProgressReporter {
  const stream = options.stream ?? process.stderr;
  const tty = options.tty ?? stream.isTTY === true;
  const clock = options.clock ?? (() => performance.now());
  const everyMs = options.everyMs ?? 10_000;
  const everyPercent = options.everyPercent ?? 10;
  const { label, unit } = options;
  const started = clock();
  let last: ProgressEvent = { done: 0, total: undefined };
  let lastLineAt = started;
  let lastStep = -1;
  let bar: cliProgress.SingleBar | undefined;
  let stopped = false;

  const line = (text: string): void => {
    stream.write(`${text}\n`);
  };

  function onTerminal(e: ProgressEvent): void {
    if (e.total === undefined) return; // a bar needs its total; it starts once the work knows it
    const perSecond = rate(e.done, clock() - started);
    if (!bar) {
      const bars = requireHere('cli-progress') as typeof cliProgress;
      bar = new bars.SingleBar({
        stream: stream as NodeJS.WritableStream,
        format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate}/s | ETA {eta_formatted}`,
        hideCursor: true, etaBuffer: 50, fps: 5, barsize: 30,
      }, bars.Presets.shades_classic);
      bar.start(e.total, e.done, { rate: perSecond });
      return;
    }
    if (bar.getTotal() !== e.total) bar.setTotal(e.total);
    bar.update(e.done, { rate: perSecond });
  }

  function offTerminal(e: ProgressEvent): void {
    const now = clock();
    const step = e.total ? Math.floor((e.done * 100) / e.total / everyPercent) : -1;
    if (step > lastStep || now - lastLineAt >= everyMs) {
      if (step > lastStep) lastStep = step;
      lastLineAt = now;
      line(progressLine(label, unit, e, now - started));
    }
  }

  const closeBar = (): void => {
    if (bar) bar.stop();
    bar = undefined;
  };

  return {
    onProgress(e) {
      if (stopped) return;
      last = e;
      if (tty) onTerminal(e);
      else offTerminal(e);
    },
    note(text) {
      closeBar();
      line(`${label}: ${text}`);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (tty) {
        closeBar();
        return;
      }
      // The last line says where the work ended, unless the last event was just written.
      const total = last.total === undefined ? '' : `/${last.total}`;
      if (last.done > 0 || last.total !== undefined) line(`${label}: ${last.done}${total} ${unit} done in ${seconds(clock() - started)}`);
    },
  };
}
