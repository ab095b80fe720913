import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, chmodSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/**
 * A throw-away PostgreSQL server from Debian's `postgresql` package, for tests and benches:
 * initdb in a temp folder, trust auth on 127.0.0.1, fsync off, a free port. PostgreSQL refuses
 * to run as root, so as root the server runs as the package's `postgres` user.
 */
export interface ThrowawayPostgres {
  url: string;
  /** The cluster's data folder (its postmaster.pid names the server process). */
  dataDir: string;
  /**
   * `pg_ctl restart -m fast`, without blocking the event loop (a load can run meanwhile): every
   * connection is cut and open transactions roll back; committed ones stay. Resolves once the
   * server accepts connections again.
   */
  restart(): Promise<void>;
  stop(): void;
}

export function findPostgresBin(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = join(base, v, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  return undefined;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function run(bin: string, args: string[], asUser: string | undefined): void {
  const cmd = asUser ? 'runuser' : bin;
  const argv = asUser ? ['-u', asUser, '--', bin, ...args] : args;
  const res = spawnSync(cmd, argv, { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed: ${res.stderr || res.stdout}`);
}

/**
 * `durable`: fsync, synchronous commit and full-page writes on, as a production server runs
 * (a commit waits for its WAL flush); off by default, which is what tests want.
 * PG_EXTRA_OPTS adds server settings for a measurement, e.g. `-c
 * shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all` to see what a
 * bench's statements cost (docs/decisions/sync-throughput.md).
 */
export async function startThrowawayPostgres(options: { durable?: boolean } = {}): Promise<ThrowawayPostgres> {
  const bin = findPostgresBin();
  if (!bin) {
    throw new Error(
      'no PostgreSQL server binaries under /usr/lib/postgresql: install Debian\'s postgresql package ' +
        '(apt-get install -y postgresql) or set TEST_DATABASE_URL to a server you own',
    );
  }
  const asUser = process.getuid?.() === 0 ? 'postgres' : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'csdl-pg-'));
  chmodSync(dir, 0o777);
  const dataDir = join(dir, 'data');
  if (asUser) execFileSync('chown', [asUser, dir]);
  run(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale'], asUser);
  const port = await freePort();
  const durability = options.durable ? 'on' : 'off';
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=${durability} -c synchronous_commit=${durability} ` +
    `-c full_page_writes=${durability} -c max_connections=200${process.env.PG_EXTRA_OPTS ? ` ${process.env.PG_EXTRA_OPTS}` : ''}`;
  run(join(bin, 'pg_ctl'), ['-D', dataDir, '-o', opts, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start'], asUser);
  let stopped = false;
  const pgCtl = join(bin, 'pg_ctl');
  return {
    dataDir,
    restart() {
      const args = ['-D', dataDir, '-l', join(dir, 'server.log'), '-m', 'fast', '-w', '-t', '60', 'restart'];
      const [cmd, argv] = asUser ? ['runuser', ['-u', asUser, '--', pgCtl, ...args]] : [pgCtl, args];
      return new Promise((resolve, reject) => {
        execFile(cmd, argv, { encoding: 'utf8' }, (err, stdout, stderr) => (err ? reject(new Error(`pg_ctl restart failed: ${stderr || stdout}`)) : resolve()));
      });
    },
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run(join(bin, 'pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop'], asUser);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Creates an empty database `name` on the server at `adminUrl` and returns its URL. The name
 * goes into the statement unquoted, so it must be a plain lower-case identifier.
 */
export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a plain database name: ${name}`);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return databaseUrl(adminUrl, name);
}

/** The URL of database `name` on the server that `serverUrl` reaches. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
