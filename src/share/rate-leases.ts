/**
 * A client's per-second rate limit held exactly across gateway processes without a committed
 * write per request. The store keeps, per client, the current one-second window (the database's
 * clock) and how much of its budget processes have leased in it; a lease statement takes up to
 * `want` more, never past the limit. A process answers requests from its slice in memory and
 * leases again when it is spent, so the requests admitted in a window, by all processes
 * together, never exceed what was leased in it, which never exceeds the limit.
 *
 * A slice is valid only while the database's window lasts, judged on this process's monotonic
 * clock from the moment the lease statement was SENT on its connection: the database's time
 * then was at most the time it reports (evaluated later), so the slice ends no later than its
 * window does whatever the two wall clocks say. A slice is at most a twentieth of the limit, so
 * at most that much per process goes unused when a window ends (fewer admitted, never more); a
 * limit under 20 leases one request at a time, which is what it was before. Concurrent requests
 * of one client share one lease statement in flight. Pure but for the clock and the store call.
 */
export interface LeaseAnswer {
  /** Requests granted by this statement (0 when the window's budget is spent, or the statement came late). */
  granted: number;
  /** Leased in the window so far, by every process. */
  count: number;
  /** The window (epoch second on the database's clock) the grant belongs to. */
  windowStart: number;
  /** The database's clock (epoch seconds) when the statement answered. */
  now: number;
}

/**
 * Takes up to `want` of `agencyCode`'s budget of `limit` in the database's current window;
 * calls `sending` just before the statement goes out on its connection, after any wait for one.
 */
export type LeaseStatement = (agencyCode: string, want: number, limit: number, sending: () => void) => Promise<LeaseAnswer>;

export interface RateLeasesOptions {
  /** Monotonic milliseconds; default performance.now. */
  clock?: () => number;
}

interface Slice {
  /** Requests left to admit. */
  left: number;
  /** Monotonic ms after which the slice is void (its window is over). */
  until: number;
  /** The window's budget is spent: refuse until `until` without asking again. */
  spent: boolean;
}

interface ClientState {
  slice?: Slice;
  leasing?: Promise<void>;
}

/** The slice a process asks for at once: a twentieth of the limit, at least one request. */
export const sliceOf = (limit: number): number => Math.max(1, Math.floor(limit / 20));

/** Lease statements one request may wait for (a late statement grants nothing and is retried). */
const MAX_LEASES_PER_REQUEST = 3;

export function createRateLeases(lease: LeaseStatement, options: RateLeasesOptions = {}) {
  const clock = options.clock ?? (() => performance.now());
  const clients = new Map<string, ClientState>();

  async function renew(agencyCode: string, state: ClientState, limit: number): Promise<void> {
    // When the statement left, not when it was asked for: a wait for a pooled connection
    // under load shortened every slice by that wait, and three void in a row refused a
    // client far under its rate (429).
    let sent = clock();
    const answer = await lease(agencyCode, sliceOf(limit), limit, () => {
      sent = clock();
    });
    const until = sent + (answer.windowStart + 1 - answer.now) * 1000;
    if (answer.granted > 0) state.slice = { left: answer.granted, until, spent: false };
    else if (answer.count >= limit) state.slice = { left: 0, until, spent: true };
    else state.slice = undefined; // a statement that came after its window: ask again
  }

  return {
    /** Whether one more request of `agencyCode` fits its limit of `limit` per second; counts it when it does. */
    async admit(agencyCode: string, limit: number): Promise<boolean> {
      let state = clients.get(agencyCode);
      if (!state) clients.set(agencyCode, (state = {}));
      for (let leases = 0; ;) {
        const slice = state.slice;
        if (slice && clock() < slice.until) {
          if (slice.left > 0) {
            slice.left -= 1;
            return true;
          }
          if (slice.spent) return false;
        }
        if (state.leasing) {
          await state.leasing;
          continue;
        }
        if (leases === MAX_LEASES_PER_REQUEST) return false;
        leases += 1;
        const leasing = renew(agencyCode, state, limit);
        state.leasing = leasing;
        try {
          await leasing;
        } finally {
          if (state.leasing === leasing) state.leasing = undefined;
        }
      }
    },
  };
}

export type RateLeases = ReturnType<typeof createRateLeases>;
