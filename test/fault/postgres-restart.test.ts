import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { createAuditLog, type AuditLogService } from '../../src/audit/audit-log.js';
import { verifyAuditLog } from '../../src/audit/audit-verify.js';
import { nationalContract } from '../../src/contract/national-contract.js';
import { createDb, type Db } from '../../src/db/db.js';
import { migrate } from '../../src/db/migrate.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { createOpsActionsService, type OpsActionsDeps } from '../../src/ops/ops-actions-service.js';
import { createOutboxActionsStore } from '../../src/outbox/outbox-actions-store.js';
import { fieldPlan } from '../../src/share/field-filter.js';
import { shareRouter } from '../../src/share/share-router.js';
import { createShareService } from '../../src/share/share-service.js';
import { auditPki } from '../audit/audit-fixture.js';
import { createDatabase, findPostgresBin, startThrowawayPostgres, type ThrowawayPostgres } from '../setup/postgres-server.js';
import { startShareWorld } from '../share/share-harness.js';
import { quietLogger } from '../sync/sync-harness.js';

/**
 * PostgreSQL restarted (a real `pg_ctl restart -m fast` of a throw-away server this test starts:
 * every connection cut, open transactions rolled back) in the middle of a sharing load and in the
 * middle of a run of operators' actions, with the real audit log (group commit, signed
 * checkpoints) on that server. Requests meanwhile may fail (503); afterwards every 200 has exactly
 * one entry, every action done has its entry, no entry lacks its answer or its action, and the
 * chain verifies.
 */
const RESTARTS = 2;

describe('faults: PostgreSQL restarted during a sharing load and during operators\' actions', function () {
  this.timeout(300_000);
  const pki = auditPki();
  let pg: ThrowawayPostgres;
  const faults = { injected: 0 };

  before(async function () {
    pg = await startThrowawayPostgres();
  });
  after(function () {
    pg?.stop();
    console.log(`      faults injected: ${faults.injected} PostgreSQL restarts (pg_ctl restart -m fast)`);
  });

  /** Copies a database from the shared test server to the throw-away one (pg_dump | psql). */
  async function copyDatabase(fromUrl: string, name: string): Promise<string> {
    const to = await createDatabase(pg.url, name);
    const bin = findPostgresBin() as string;
    const dir = mkdtempSync(join(tmpdir(), 'csdl-dump-'));
    try {
      const file = join(dir, 'dump.sql');
      execFileSync(join(bin, 'pg_dump'), ['--no-owner', '--no-privileges', '-d', fromUrl, '-f', file]);
      execFileSync(join(bin, 'psql'), ['-q', '-v', 'ON_ERROR_STOP=1', '-d', to, '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return to;
  }

  /** Runs `work` on `workers` loops until stopped, restarting PostgreSQL RESTARTS times meanwhile. */
  async function underRestarts(workers: number, work: () => Promise<boolean>, minDone: number): Promise<void> {
    let stop = false;
    let done = 0;
    const loops = Array.from({ length: workers }, async () => {
      while (!stop) if (await work()) done += 1;
    });
    const waitFor = async (n: number) => {
      const deadline = Date.now() + 60_000;
      while (done < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    };
    for (let i = 0; i < RESTARTS; i += 1) {
      await waitFor(done + minDone);
      await pg.restart();
      faults.injected += 1;
    }
    await waitFor(done + minDone);
    stop = true;
    await Promise.all(loops);
  }

  async function entriesOf(db: Db, action: string): Promise<{ request_id: string | null; outcome: string }[]> {
    return (await db.query(`SELECT request_id, outcome FROM csdl_gateway.audit_log WHERE action = $1`, [action])).rows as { request_id: string | null; outcome: string }[];
  }

  it('a sharing load: every 200 has exactly one entry, every ok entry its 200, the chain verifies', async function () {
    const w = await startShareWorld('postgres', 10);
    let db: Db | undefined;
    let audit: AuditLogService | undefined;
    let server: Server | undefined;
    try {
      await w.refresh();
      const { secret } = await w.client('000.00.00.G21');
      db = createDb(await copyDatabase(w.sync.store.url, 'share_store'), { max: 8 });
      audit = createAuditLog(db, { signer: pki.signer, checkpointEvery: 100 });
      const service = createShareService({ db, plan: fieldPlan(nationalContract().schemas.official) });
      const app = createHttpApp({ logger: quietLogger(), readiness: [], routers: [shareRouter({ service, audit, signer: w.sync.sim.signer })] });
      server = await new Promise<Server>((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s));
      });
      const address = server.address();
      const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const tokenRes = await fetch(`${base}/share/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`000.00.00.G21:${secret}`).toString('base64')}` },
        body: 'grant_type=client_credentials',
      });
      const token = ((await tokenRes.json()) as { access_token: string }).access_token;
      const people = (await db.query<{ so_dinh_danh: string }>('SELECT so_dinh_danh FROM csdl_gateway.shared_records')).rows.map((r) => r.so_dinh_danh);
      expect(people.length).to.be.greaterThan(0);

      const answers = new Map<string, number>();
      let n = 0;
      await underRestarts(6, async () => {
        n += 1;
        const id = `load-${n}`;
        const person = people[n % people.length] as string;
        try {
          const res = await fetch(`${base}/share/v1/officials/${person}`, { headers: { authorization: `Bearer ${token}`, 'x-purpose': 'kiem-tra', 'x-request-id': id } });
          await res.arrayBuffer();
          answers.set(id, res.status);
          return res.status === 200;
        } catch {
          answers.set(id, 0);
          return false;
        }
      }, 150);
      await audit.flush();

      const entries = await entriesOf(db, 'share.official.read');
      const perRequest = new Map<string, number>();
      for (const e of entries) if (e.outcome === 'ok' && e.request_id) perRequest.set(e.request_id, (perRequest.get(e.request_id) ?? 0) + 1);
      const ok = [...answers].filter(([, s]) => s === 200).map(([id]) => id);
      const byStatus: Record<string, number> = {};
      for (const s of answers.values()) byStatus[s] = (byStatus[s] ?? 0) + 1;
      const lost = ok.filter((id) => perRequest.get(id) !== 1);
      const orphans = [...perRequest.keys()].filter((id) => answers.get(id) !== 200);
      console.log(`      sharing load: ${answers.size} requests ${JSON.stringify(byStatus)}; 200s without exactly one entry: ${lost.length}; ok entries without a 200: ${orphans.length}`);
      expect(byStatus['200'] ?? 0).to.be.greaterThan(300);
      expect(Object.keys(byStatus).filter((s) => s !== '200' && s !== '503'), 'answers other than 200 and 503').to.deep.equal([]);
      expect(lost, '200s without exactly one entry').to.deep.equal([]);
      expect(orphans, 'ok entries whose request got no 200').to.deep.equal([]);
      expect(await verifyAuditLog(db, { trust: pki.trust })).to.include({ ok: true });
    } finally {
      await audit?.close().catch(() => undefined);
      if (server) await new Promise<void>((resolve) => { server!.closeAllConnections(); server!.close(() => resolve()); });
      await db?.close();
      await w.close();
    }
  });

  it('operators\' actions: every action done has exactly one entry, every entry its action, the chain verifies', async function () {
    const db = createDb(await createDatabase(pg.url, 'ops_store'), { max: 6 });
    const audit = createAuditLog(db, { signer: pki.signer, checkpointEvery: 50 });
    try {
      await migrate(db);
      const VERSIONS = 3000;
      const ids = (await db.query<{ id: string }>(
        `INSERT INTO csdl_gateway.record_versions (vendor_id, approval_id, so_dinh_danh, operation, approved_at, status)
         SELECT g::text, 1, '026185' || lpad(g::text, 6, '0'), 'upsert', now(), 'rejected' FROM generate_series(1, $1) g RETURNING id::text`,
        [VERSIONS],
      )).rows.map((r) => r.id);
      const actions = createOpsActionsService({
        lock: { runExclusive: <T>(fn: () => Promise<T>) => fn() },
        logger: quietLogger(),
        actions: createOutboxActionsStore(db),
        audit,
      } as unknown as OpsActionsDeps);
      const told = new Map<string, 'ok' | string>();
      const queue = [...ids];
      await underRestarts(4, async () => {
        const id = queue.shift();
        if (id === undefined) return false;
        try {
          await actions.settle(id, { actor: { kind: 'token', name: 'ops-fault' }, requestId: `settle-${id}` }, 'agreed by phone');
          told.set(id, 'ok');
          return true;
        } catch (err) {
          told.set(id, (err as { code?: string }).code ?? 'error');
          return false;
        }
      }, 100);
      await audit.flush();

      const settled = new Set((await db.query<{ id: string }>('SELECT id::text FROM csdl_gateway.record_versions WHERE settled_by IS NOT NULL')).rows.map((r) => r.id));
      const entries = await entriesOf(db, 'ops.record.settle');
      const perAction = new Map<string, number>();
      for (const e of entries) if (e.outcome === 'ok' && e.request_id) perAction.set(e.request_id.replace('settle-', ''), (perAction.get(e.request_id.replace('settle-', '')) ?? 0) + 1);
      const byOutcome: Record<string, number> = {};
      for (const o of told.values()) byOutcome[o] = (byOutcome[o] ?? 0) + 1;
      const withoutEntry = [...settled].filter((id) => perAction.get(id) !== 1);
      const withoutAction = [...perAction.keys()].filter((id) => !settled.has(id));
      const toldOkNotDone = [...told].filter(([id, o]) => o === 'ok' && !settled.has(id)).map(([id]) => id);
      console.log(`      operators' actions: ${told.size} settles ${JSON.stringify(byOutcome)}; ${settled.size} done; done without exactly one entry: ${withoutEntry.length}; entries without their action: ${withoutAction.length}`);
      expect(byOutcome.ok ?? 0).to.be.greaterThan(200);
      expect(withoutEntry, 'actions done without exactly one entry').to.deep.equal([]);
      expect(withoutAction, 'entries without their action').to.deep.equal([]);
      expect(toldOkNotDone, 'told ok, not done').to.deep.equal([]);
      expect(await verifyAuditLog(db, { trust: pki.trust })).to.include({ ok: true });
    } finally {
      await audit.close().catch(() => undefined);
      await db.close();
    }
  });
});
