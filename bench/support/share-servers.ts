import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { createDb } from '../../src/db/db.js';
import { freePort } from '../../test/setup/postgres-server.js';
import { firstLine } from './floor-children.js';

/**
 * The two sharing servers a bench loads alike: the gateway as operators run it (`csdl-gateway
 * start`, serving the records its own sync had accepted, a client added and granted with the
 * CLI), and ../shared/bench/share-floor.mjs on the same PostgreSQL server.
 */
export interface ShareServer {
  base: string;
  pid: number | undefined;
  headers: Record<string, string>;
  /** Paths of people it serves, to request at random. */
  paths: string[];
  stop(): Promise<void>;
}

const CLIENT = '000.00.00.G12';
const PURPOSE = 'bench';

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function cli(cliPath: string, args: string[], env: NodeJS.ProcessEnv): string {
  const res = spawnSync(process.execPath, [cliPath, ...args], { env, encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`csdl-gateway ${args.join(' ')} exited ${res.status}: ${res.stderr}`);
  return res.stdout;
}

/**
 * `csdl-gateway start` on `env`'s store (a store a sync has filled), once its share refresh has
 * taken in `accepted` records; a client granted every served unit, at a rate it never reaches.
 */
export async function startGatewayServer(cliPath: string, env: NodeJS.ProcessEnv, accepted: number): Promise<ShareServer> {
  const port = await freePort();
  const storeUrl = String(env.DATABASE_URL);
  const db = createDb(storeUrl, { max: 1 });
  // BENCH_GATEWAY_NODE_ARGS, e.g. '--cpu-prof --cpu-prof-dir=/tmp/prof': node options for the gateway alone.
  const nodeArgs = (process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, cliPath, 'start'], {
    env: { ...env, PORT: String(port), SYNC_CRON: '0 0 1 1 *' }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  try {
    await firstLine(child, 'csdl-gateway start').catch((err: Error) => { throw new Error(`${err.message}: ${stderr}`); });
    // BENCH_GATEWAY_STDOUT=file keeps what the gateway prints after its first line (e.g. with
    // BENCH_GATEWAY_NODE_ARGS='--trace-gc-nvp', each collection's pause and bytes promoted).
    const keep = process.env.BENCH_GATEWAY_STDOUT;
    if (keep) child.stdout!.pipe(createWriteStream(keep));
    else child.stdout!.resume();
    const started = performance.now();
    for (;;) {
      // Served, or withheld by the mapping's person filter (docs/decisions/sharing.md): both were taken in.
      const { rows } = await db.query<{ n: number }>(
        `SELECT ((SELECT count(*) FROM csdl_gateway.shared_records) + (SELECT count(*) FROM csdl_gateway.shared_records_withheld))::int AS n`,
      );
      if (rows[0]!.n >= accepted) break;
      if (performance.now() - started > 300_000) throw new Error(`the share refresh took in ${rows[0]!.n} of ${accepted} records in 5 min`);
      await new Promise((r) => setTimeout(r, 500));
    }
    // The topmost units (no coded unit above them): a grant on them covers every served person.
    const top = await db.query<{ code: string }>(
      `SELECT DISTINCT ancestor AS code FROM csdl_gateway.share_unit_tree t
        WHERE NOT EXISTS (SELECT 1 FROM csdl_gateway.share_unit_tree u WHERE u.descendant = t.ancestor AND u.ancestor <> t.ancestor)
       UNION SELECT DISTINCT unit_code FROM csdl_gateway.shared_records r
        WHERE NOT EXISTS (SELECT 1 FROM csdl_gateway.share_unit_tree u WHERE u.descendant = r.unit_code)`,
    );
    const people = await db.query<{ so: string }>('SELECT so_dinh_danh AS so FROM csdl_gateway.shared_records');
    const secret = cli(cliPath, ['clients', 'add', CLIENT, '--name', 'bench client'], env).trim().split('\n').pop()!.trim();
    cli(cliPath, ['clients', 'grant', CLIENT, '--routes', 'officials', '--units', top.rows.map((r) => r.code).join(','),
      '--fields', 'basic,employment,salary,education,history', '--purposes', PURPOSE, '--until', '2099-12-31', '--rate', '100000/s'], env);
    const base = `http://127.0.0.1:${port}`;
    const res = await fetch(`${base}/share/oauth2/token`, {
      method: 'POST', body: 'grant_type=client_credentials',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${CLIENT}:${secret}`).toString('base64')}` },
    });
    if (res.status !== 200) throw new Error(`token request answered ${res.status}: ${await res.text()}`);
    const token = ((await res.json()) as { access_token: string }).access_token;
    const headers = { authorization: `Bearer ${token}`, 'x-purpose': PURPOSE };
    const paths = people.rows.map((r) => `/share/v1/officials/${r.so}`);
    const check = await fetch(`${base}${paths[0]}`, { headers });
    if (check.status !== 200) throw new Error(`a first sharing read answered ${check.status}: ${await check.text()}`);
    return { base, pid: child.pid, headers, paths, stop: () => stopChild(child) };
  } catch (err) {
    await stopChild(child);
    throw err;
  } finally {
    await db.close();
  }
}

/** share-floor.mjs over its own tables in the store database at `storeUrl`, `people` records. */
export async function startShareFloor(shared: string, storeUrl: string, people: number): Promise<ShareServer> {
  const port = await freePort();
  const nodeArgs = (process.env.BENCH_FLOOR_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, join(shared, 'share-floor.mjs'), '--db', storeUrl, '--port', String(port), '--people', String(people)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const ready = JSON.parse(await firstLine(child, 'share floor')) as { ready: string; token: string };
    child.stdout!.resume();
    const paths = Array.from({ length: people }, (_, i) => `/officials/0261${String(i + 1).padStart(8, '0')}`);
    return { base: ready.ready, pid: child.pid, headers: { authorization: `Bearer ${ready.token}`, 'x-purpose': PURPOSE }, paths, stop: () => stopChild(child) };
  } catch (err) {
    await stopChild(child);
    throw err;
  }
}
