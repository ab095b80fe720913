import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * CPU used so far by a PostgreSQL server and every backend it has had (Linux /proc): the
 * postmaster's own time and that of its reaped children (cutime, cstime), plus the live
 * backends' time. The difference over a run is what the database did for it. Undefined where
 * /proc cannot tell.
 */
const TICK_MS = 10; // USER_HZ is 100 on Linux

function statFields(pid: number): string[] | undefined {
  try {
    // Fields after the ') ' that closes the command name: state is [0], ppid [1], utime [11]...
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ');
  } catch {
    return undefined;
  }
}

export function postgresCpuMs(dataDir: string): number | undefined {
  let postmaster: number;
  try {
    postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
  const own = statFields(postmaster);
  if (!own) return undefined;
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields && Number(fields[1]) === postmaster) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks * TICK_MS;
}
