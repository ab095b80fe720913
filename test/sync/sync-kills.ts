import { createHash } from 'node:crypto';
import { startCli, type CliExit } from '../setup/cli-process.js';
import type { TestDatabase } from '../setup/databases.js';

/** The newest sync run's id (0: none yet). */
async function lastRunId(store: TestDatabase): Promise<number> {
  const res = await store.db.query<{ id: number }>('SELECT coalesce(max(id), 0)::int AS id FROM csdl_gateway.sync_runs');
  return res.rows[0]?.id ?? 0;
}

/**
 * Runs the built CLI's `sync`; with `killAfterMs`, SIGKILLs it that long after its sync run
 * appears in the store (counting from the run's start makes a kill land in the work, not in the
 * loading of modules).
 */
export async function syncKilledAfter(env: Record<string, string>, store: TestDatabase, killAfterMs?: number): Promise<CliExit> {
  const before = await lastRunId(store);
  const { child, exit } = startCli(['sync'], env);
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const watch = async (): Promise<void> => {
    while (!closed && (await lastRunId(store)) === before) await new Promise((r) => setTimeout(r, 20));
    if (!closed) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  };
  const watching = killAfterMs === undefined ? Promise.resolve() : watch();
  try {
    return await exit;
  } finally {
    closed = true;
    clearTimeout(timer);
    await watching;
  }
}

/** Each stored packet's envelope hash, to show that no packet was rebuilt or re-signed. */
export async function packetHashes(store: TestDatabase): Promise<Map<string, string>> {
  const res = await store.db.query<{ packet_id: string; envelope: Buffer }>('SELECT packet_id::text, envelope FROM csdl_gateway.packets');
  return new Map(res.rows.map((r) => [r.packet_id, createHash('sha256').update(r.envelope).digest('hex')]));
}
