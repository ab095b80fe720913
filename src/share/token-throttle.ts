/**
 * Failed token requests, counted per client id and per address in fixed windows (one process;
 * each gateway process counts its own): past the limit, the endpoint answers 429 with
 * Retry-After until the window ends, without checking the secret. Failures are audited
 * aggregated, not one row each (a cheap way to fill the log otherwise): the first failure of a
 * client's window is audited as it happens, the rest as one entry with their count when the
 * window is over (or when the throttle engages). Pure but for the clock.
 */
export interface ThrottleOptions {
  perClient?: number;
  perAddress?: number;
  windowMs?: number;
  now?: () => number;
}

interface Window {
  start: number;
  count: number;
  /** Failures of this window already in an audit entry. */
  audited: number;
}

export interface Aggregate {
  key: string;
  failures: number;
  since: Date;
}

export function createTokenThrottle(options: ThrottleOptions = {}) {
  const perClient = options.perClient ?? 5;
  const perAddress = options.perAddress ?? 20;
  const windowMs = options.windowMs ?? 60_000;
  const now = options.now ?? Date.now;
  const windows = new Map<string, Window>();

  /** The window of `key` now; a finished one is replaced, its unaudited failures handed to `done`. */
  function current(key: string, done: Aggregate[]): Window {
    const t = now();
    const w = windows.get(key);
    if (w && t - w.start < windowMs) return w;
    if (w && w.count > w.audited) done.push({ key, failures: w.count - w.audited, since: new Date(w.start) });
    const fresh = { start: t, count: 0, audited: 0 };
    windows.set(key, fresh);
    return fresh;
  }

  const limitOf = (key: string) => (key.startsWith('client:') ? perClient : perAddress);

  return {
    /**
     * Seconds to wait when `keys` are over their limit, else undefined; `done` receives the
     * unaudited failures of windows that ended.
     */
    retryAfter(keys: string[], done: Aggregate[]): number | undefined {
      let wait: number | undefined;
      for (const key of keys) {
        const w = current(key, done);
        if (w.count >= limitOf(key)) wait = Math.max(wait ?? 0, Math.ceil((w.start + windowMs - now()) / 1000));
      }
      return wait;
    },

    /** Counts a failure; whether it is the first of its client's window (audited as it happens). */
    fail(keys: string[], done: Aggregate[]): boolean {
      let first = false;
      for (const key of keys) {
        const w = current(key, done);
        w.count += 1;
        if (key.startsWith('client:') && w.count === 1) {
          w.audited = 1;
          first = true;
        }
      }
      return first;
    },

    /** Everything counted and not audited for `key`, marked audited now (the throttle engaged). */
    takeUnaudited(key: string): Aggregate | undefined {
      const w = windows.get(key);
      if (!w || w.count <= w.audited) return undefined;
      const aggregate = { key, failures: w.count - w.audited, since: new Date(w.start) };
      w.audited = w.count;
      return aggregate;
    },

    succeed(clientKey: string): void {
      windows.delete(clientKey);
    },
  };
}

export type TokenThrottle = ReturnType<typeof createTokenThrottle>;
