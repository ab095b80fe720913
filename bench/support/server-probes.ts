import { readFileSync } from 'node:fs';
import pg from 'pg';

/**
 * What a server under load spends, read from outside it: a process's CPU (Linux /proc), and
 * what the database's backends wait on (pg_stat_activity sampled), so a bench can say where a
 * request's time goes without touching the server's code.
 */
const TICK_MS = 10; // USER_HZ is 100 on Linux

/** CPU (user + system) of process `pid` so far, in ms; undefined where /proc cannot tell. */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return undefined;
  }
}

export interface WaitSampler {
  /** Stops sampling; per wait ("CPU" when running, "Lock:transactionid"...), its share of the active backends' samples. */
  stop(): Promise<{ samples: number; active: number; waits: [string, number][]; statements: [string, number][] }>;
}

/** Samples the active backends (what they wait on, and the first words of their statement) of database `url` (other than its own) every `everyMs`. */
export async function sampleWaits(url: string, everyMs = 25): Promise<WaitSampler> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const counts = new Map<string, number>();
  const statements = new Map<string, number>();
  let samples = 0;
  let active = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const res = await client.query<{ w: string; q: string }>(
        `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS w, left(regexp_replace(query, '\\s+', ' ', 'g'), 70) AS q FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active' AND backend_type = 'client backend'`,
      );
      samples += 1;
      for (const { w, q } of res.rows) {
        active += 1;
        counts.set(w, (counts.get(w) ?? 0) + 1);
        statements.set(q, (statements.get(q) ?? 0) + 1);
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await client.end();
      const shares = (m: Map<string, number>): [string, number][] => [...m.entries()].sort((a, b) => b[1] - a[1]).map(([k, n]) => [k, n / Math.max(1, active)]);
      return { samples, active, waits: shares(counts), statements: shares(statements) };
    },
  };
}
