// The operators' read API at scale: summary and list endpoints over a store holding 100,000
// people's versions (about 110,000 record versions) and 200 packets, in a real PostgreSQL,
// through the real HTTP app (token check, request validation, audit call). Target: p99 under
// 100 ms per endpoint. Prints p50/p99; asserts nothing.
// Run: TEST_DATABASE_URL=postgres://… npx tsx bench/ops-api.bench.ts [people] [requests]
// (without TEST_DATABASE_URL it starts a throw-away PostgreSQL server).
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import pg from 'pg';
import { nationalContract } from '../src/contract/national-contract.js';
import { createDb } from '../src/db/db.js';
import { migrate } from '../src/db/migrate.js';
import { createPayloadCodec } from '../src/encoding/payload-codec.js';
import { createHttpApp } from '../src/http/http-app.js';
import { silentLogger } from '../src/log/logger.js';
import { opsOpenApi } from '../src/ops/ops-openapi.js';
import { opsRouter } from '../src/ops/ops-router.js';
import { createOpsService } from '../src/ops/ops-service.js';
import { createOpsStore } from '../src/ops/ops-store.js';
import { createTokenService } from '../src/tokens/token-service.js';
import { createTokenStore } from '../src/tokens/token-store.js';
import { createDatabase, startThrowawayPostgres } from '../test/setup/postgres-server.js';
import { machineCheckLine } from './support/machine-check.js';

const people = Number(process.argv[2] ?? 100_000);
const requests = Number(process.argv[3] ?? 300);
const PACKETS = 200;

const server = process.env.TEST_DATABASE_URL ? undefined : await startThrowawayPostgres();
const admin = process.env.TEST_DATABASE_URL ?? server!.url;
const name = `ops_bench_${randomBytes(4).toString('hex')}`;
const db = createDb(await createDatabase(admin, name), { max: 10 });

/** Synthetic outbox rows with SQL alone: 200 packets, one version per person plus a second for every tenth. */
async function fill(): Promise<void> {
  await migrate(db);
  await db.query(`INSERT INTO csdl_gateway.sync_runs (started_at, finished_at, status, summary) VALUES (now() - interval '1 hour', now() - interval '59 minutes', 'finished', '{}')`);
  await db.query(
    `INSERT INTO csdl_gateway.packets (packet_id, sync_run_id, status, format, envelope, payload_sha256, payload_bytes, record_count, signer, created_at, sent_at, completed_at, national_code)
     SELECT gen_random_uuid(), 1, CASE WHEN i % 40 = 0 THEN 'failed' ELSE 'done' END, 'json', '\\x7b7d'::bytea, md5(i::text), 400000, 500, 'bench',
            now() - make_interval(hours => i), now() - make_interval(hours => i), now() - make_interval(hours => i),
            CASE WHEN i % 40 = 0 THEN 'SCHEMA_INVALID' END
       FROM generate_series(1, $1) AS i`,
    [PACKETS],
  );
  await db.query(
    `WITH p AS (SELECT packet_id, row_number() OVER (ORDER BY created_at) - 1 AS n FROM csdl_gateway.packets),
          v AS (SELECT i, 1 AS version FROM generate_series(1, $1) AS i
                UNION ALL SELECT i, 2 FROM generate_series(1, $1) AS i WHERE i % 10 = 0)
     INSERT INTO csdl_gateway.record_versions (vendor_id, approval_id, so_dinh_danh, operation, approved_at, approved_by_unit, status, record_hash, errors, packet_id, sync_run_id)
     SELECT v.i::text, v.i * 10 + v.version, lpad(v.i::text, 12, '0'), 'upsert',
            now() - make_interval(mins => (v.i * 7 % 525600)) + make_interval(days => v.version),
            'unit-' || (v.i % 60),
            CASE WHEN v.version = 2 AND v.i % 30 = 0 THEN 'queued'
                 WHEN v.i % 50 = 1 THEN 'invalid' WHEN v.i % 50 = 2 THEN 'rejected' WHEN v.i % 50 = 3 THEN 'unchanged' ELSE 'accepted' END,
            md5(v.i::text),
            CASE WHEN v.i % 50 = 1 THEN jsonb_build_array(jsonb_build_object('code', 'MAPPING_' || (v.i % 7), 'path', '/luong/heSo', 'message', 'bench'))
                 WHEN v.i % 50 = 2 THEN jsonb_build_array(jsonb_build_object('code', 'DUPLICATE_IDENTITY', 'path', '/soDinhDanh', 'message', 'bench')) END,
            CASE WHEN v.i % 50 IN (1, 3) OR (v.version = 2 AND v.i % 30 = 0) THEN NULL ELSE (SELECT packet_id FROM p WHERE p.n = v.i % $2) END,
            1
       FROM v`,
    [people, PACKETS],
  );
  await db.query(
    `INSERT INTO csdl_gateway.send_attempts (packet_id, operation, started_at, duration_ms, http_status, request_id)
     SELECT packet_id, op, created_at, 120, 200, gen_random_uuid()::text FROM csdl_gateway.packets, unnest(ARRAY['push', 'receipt']) AS op`,
  );
  // A live store's autovacuum keeps the visibility map and statistics current; rows just
  // inserted by a bench have neither, which would measure a state the gateway is never in for long.
  await db.query('VACUUM ANALYZE');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

let http: Server | undefined;
try {
  console.log(machineCheckLine('start'));
  const filled = performance.now();
  await fill();
  const versions = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM csdl_gateway.record_versions')).rows[0]!.n;
  console.log(`store: ${people} people, ${versions} record versions, ${PACKETS} packets, filled in ${((performance.now() - filled) / 1000).toFixed(1)} s`);

  const tokens = createTokenService(createTokenStore(db));
  const token = (await tokens.create({ name: 'bench', role: 'auditor' })).token;
  const service = createOpsService({ store: createOpsStore(db), audit: { append: async () => undefined }, codec: createPayloadCodec(nationalContract()) });
  const app = createHttpApp({ logger: silentLogger(), readiness: [], routers: [opsRouter(service)], openApi: [opsOpenApi], tokens });
  http = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const address = http.address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const endpoints = [
    '/api/ops/summary',
    '/api/ops/records',
    '/api/ops/records?state=invalid',
    '/api/ops/records?code=DUPLICATE_IDENTITY',
    '/api/ops/records?unit=unit-7&pageSize=500',
    `/api/ops/records?soDinhDanh=${String(people - 7).padStart(12, '0')}`,
    '/api/ops/records?from=2026-06-01T00:00:00Z&to=2026-07-01T00:00:00Z',
    '/api/ops/records?page=50&pageSize=100',
    '/api/ops/packets',
    '/api/ops/packets?state=failed',
    '/api/ops/packets?unit=unit-7',
  ];
  // One pass over every endpoint first: connections opened, plans and caches warm.
  for (const path of endpoints) {
    for (let i = 0; i < 5; i += 1) await (await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } })).arrayBuffer();
  }
  console.log(`${requests} requests per endpoint, one at a time (ms):`);
  for (const path of endpoints) {
    const times: number[] = [];
    for (let i = 0; i < requests + 10; i += 1) {
      const started = performance.now();
      const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
      if (i >= 10) times.push(performance.now() - started); // the first ten warm up
    }
    times.sort((a, b) => a - b);
    const p99 = percentile(times, 99);
    console.log(`  ${path.padEnd(72)} p50 ${percentile(times, 50).toFixed(1).padStart(6)}  p99 ${p99.toFixed(1).padStart(6)}${p99 > 100 ? '  (over 100)' : ''}`);
  }
  console.log(machineCheckLine('end'));
} finally {
  await new Promise((resolve) => (http ? http.close(resolve) : resolve(undefined)));
  await db.close();
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await c.end();
  server?.stop();
}
