import { mkdirSync, existsSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { EmbeddedDbError } from './db-error.js';
import { serveWire } from './pglite-wire-server.js';

/**
 * The embedded default (docs/decisions/embedded-postgres.md): PGlite, PostgreSQL compiled to
 * WebAssembly, persisted in a folder and served over the PostgreSQL wire protocol on loopback
 * by pglite-socket, so the gateway talks to it with the same `pg` code as to a real server.
 *
 * PGlite is one backend. pglite-socket's server interleaves several connections'
 * extended-protocol messages (with three or four pooled connections we saw `portal "" does
 * not exist` and an INSERT ... RETURNING that lost its row), so the gateway serves it with
 * pglite-wire-server.ts, which runs each client's rounds whole and keeps a transaction to its
 * client. The gateway itself uses a pool of one (`EMBEDDED_POOL`), kept open; the other
 * connections are for a CLI process working while the gateway runs.
 * One process may open a data folder at a time: a pid file guards it, because two PGlite
 * instances on one folder corrupt it. The holder writes the port it serves on beside it
 * (`wire.json`, with its pid), so another process can borrow the store over the wire instead
 * (`borrowedEmbedded`).
 */
export interface EmbeddedPostgres {
  url: string;
  port: number;
  dataDir: string | undefined;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Folder to persist in; undefined for an in-memory database (tests). */
  dataDir?: string;
  /** Port on 127.0.0.1; 0 picks a free one. */
  port?: number;
}

/** Pool options for a Db on an embedded PGlite: one connection, never closed while idle. */
export const EMBEDDED_POOL = { max: 1, idleTimeoutMillis: 0 } as const;

/**
 * PostgreSQL's defaults are sized for a server of its own; here three instances (store, demo
 * provincial database, simulator ledger) share one Node process, and WebAssembly memory once
 * grown is never given back. With the defaults (shared_buffers 128MB, maintenance_work_mem
 * 64MB each) the embedded default held 955 MB at rest after the demo sync; with these, 464 MB,
 * and the sync took as long (README, "Two commands"). Its tables are small: what the
 * buffers no longer hold, the OS page cache under PGlite's file system serves.
 */
const EMBEDDED_START_PARAMS = [
  '-c', 'shared_buffers=8MB',
  '-c', 'maintenance_work_mem=16MB',
  '-c', 'work_mem=4MB',
];


/**
 * Whether the pid names a live Node process. After a crash and a container restart the pid in
 * the file may belong to some other program; only a Node process can be a gateway holding
 * the folder. Where /proc is absent, any live process counts.
 */
function holdsFolder(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    return /node/.test(readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
  } catch {
    return !existsSync('/proc/self');
  }
}

const WIRE_FILE = 'wire.json';

/** The process holding a folder, if a live one does. */
function holder(dataDir: string): number | undefined {
  const pidFile = join(dataDir, 'gateway.pid');
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid !== process.pid && holdsFolder(pid) ? pid : undefined;
}

/**
 * Where to reach the store a live process holds and serves: its URL, when the folder's pid file
 * names a live Node process and wire.json was written by that very process (a file left by a
 * crashed gateway names another pid, or none lives). Undefined when nobody holds the folder.
 * Throws db.embedded_in_use when the holder serves nothing to borrow (an older build).
 */
export function borrowedEmbedded(dataDir: string): { pid: number; url: string } | undefined {
  const pid = holder(dataDir);
  if (pid === undefined) return undefined;
  let wire: { pid?: unknown; port?: unknown } = {};
  try {
    wire = JSON.parse(readFileSync(join(dataDir, WIRE_FILE), 'utf8')) as typeof wire;
  } catch {
    // No file, or a half-written one: nothing to borrow.
  }
  if (wire.pid !== pid || typeof wire.port !== 'number') {
    throw new EmbeddedDbError('db.embedded_in_use', `the embedded database in ${dataDir} is in use by process ${pid}, which does not share it; stop it, or set DATABASE_URL to share a PostgreSQL server between processes`);
  }
  return { pid, url: `postgres://postgres@127.0.0.1:${wire.port}/postgres?sslmode=disable` };
}

function claimFolder(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true });
  const pidFile = join(dataDir, 'gateway.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (Number.isInteger(pid) && pid !== process.pid && holdsFolder(pid)) {
      throw new EmbeddedDbError(
        'db.embedded_in_use',
        `the embedded database in ${dataDir} is in use by process ${pid}; stop it, or set DATABASE_URL to share a PostgreSQL server between processes`,
      );
    }
  }
  writeFileSync(pidFile, String(process.pid));
  return pidFile;
}

export async function startEmbeddedPostgres(options: EmbeddedOptions = {}): Promise<EmbeddedPostgres> {
  const pidFile = options.dataDir ? claimFolder(options.dataDir) : undefined;
  let db: PGlite;
  try {
    db = await PGlite.create(options.dataDir ? join(options.dataDir, 'pgdata') : 'memory://', {
      startParams: [...PGlite.defaultStartParams, ...EMBEDDED_START_PARAMS],
    });
  } catch (err) {
    throw new EmbeddedDbError('db.embedded_failed', `cannot open the embedded database in ${options.dataDir ?? 'memory'}: ${(err as Error).message}`, { cause: err });
  }
  const server = await serveWire(db, { host: '127.0.0.1', port: options.port ?? 0 });
  const port = server.port;
  const wireFile = options.dataDir ? join(options.dataDir, WIRE_FILE) : undefined;
  if (wireFile) writeFileSync(wireFile, JSON.stringify({ pid: process.pid, port }), { mode: 0o600 });
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`,
    port,
    dataDir: options.dataDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (wireFile) rmSync(wireFile, { force: true });
      await server.stop();
      await db.close();
      if (pidFile) rmSync(pidFile, { force: true });
    },
  };
}
