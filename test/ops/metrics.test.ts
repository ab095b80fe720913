import { expect } from 'chai';
import { createHttpApp } from '../../src/http/http-app.js';
import { silentLogger } from '../../src/log/logger.js';
import { composeOps } from '../../src/compose/ops-compose.js';
import { createOpsStore } from '../../src/ops/ops-store.js';
import { loadWorkingCalendar } from '../../src/calendar/calendar-loader.js';
import { workingDaysBetweenInstants } from '../../src/calendar/working-calendar.js';

const calendar = loadWorkingCalendar();
const weekdaysBetween = (from: Date, to: Date): number => workingDaysBetweenInstants(from, to, calendar);
import type { SyncWorld } from '../sync/sync-harness.js';
import { memoryAuditLog } from './memory-audit-log.js';
import { startOpsWorld } from './ops-world.js';

/**
 * GET /metrics over a store filled by real syncs: every family the operators alert on, no
 * token needed, and no số định danh anywhere in the text (labels are states, operations,
 * statuses and codes only). Attempts are counted from the store's send_attempts after the
 * metrics start, so a sync run after start (with a scripted 503) must show up in them.
 */
describe('ops metrics: /metrics over a store filled by real syncs (postgres)', function () {
  this.timeout(90_000);
  let w: SyncWorld;
  let text: string;
  let status: number;

  before(async function () {
    ({ w } = await startOpsWorld());
    const ops = composeOps({
      db: w.store.db, audit: memoryAuditLog(), signer: () => w.sim.signer, workingDaysBetween: weekdaysBetween,
      auditStats: async () => ({ entries: 1234, lastCheckpointAt: new Date(Date.now() - 60_000) }),
    });
    const app = createHttpApp({ logger: silentLogger(), readiness: [], routers: ops.routers, openApi: [ops.openApi] });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/metrics`;
    try {
      await fetch(url); // the first scrape: counters start from what the store holds now
      await w.approveAgain(2, { edit: 'Số 9, phường Đống Đa, Vĩnh Phúc' });
      w.sim.sim.faults.scriptNext('push', { status: 503, retryAfter: 0 });
      await w.service().service.run();
      const res = await fetch(url);
      status = res.status;
      text = await res.text();
    } finally {
      server.close();
    }
  });
  after(async function () {
    await w?.close();
  });

  const value = (line: string): number => Number(text.split('\n').find((l) => l.startsWith(line))?.slice(line.length).trim());

  it('answers without a token, in the Prometheus text format', function () {
    expect(status).to.equal(200);
    expect(text).to.contain('# TYPE csdl_gateway_packets gauge');
  });

  it('packets and records by state, and the oldest unaccepted approval', async function () {
    const records = await w.store.db.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM csdl_gateway.record_versions GROUP BY status');
    for (const r of records.rows) expect(value(`csdl_gateway_records{state="${r.status}"}`), r.status).to.equal(r.n);
    expect(value('csdl_gateway_packets{state="failed"}')).to.equal(1);
    expect(value('csdl_gateway_oldest_unaccepted_approval_age_seconds')).to.be.greaterThan(0);
  });

  it('NDXP attempts since start by operation, status and national code; send and receipt latency; token refreshes', function () {
    const pushes202 = value('csdl_gateway_ndxp_attempts_total{operation="push",status="202",national_code=""}');
    expect(value('csdl_gateway_ndxp_attempts_total{operation="push",status="503",national_code="SERVICE_UNAVAILABLE"}')).to.equal(1);
    expect(pushes202).to.be.greaterThan(0);
    // Only attempts made after the first scrape: the world's earlier syncs pushed too.
    expect(value('csdl_gateway_ndxp_send_seconds_count')).to.equal(pushes202 + 1);
    expect(value('csdl_gateway_ndxp_receipt_seconds_count')).to.be.greaterThan(0);
    expect(value('csdl_gateway_ndxp_token_refreshes_total{outcome="ok"}')).to.be.greaterThan(0);
  });

  it("the certificate's expiry, audit entries and the last checkpoint, as moments in seconds", async function () {
    const notAfter = w.sim.signer.identity(new Date()).summary.notAfter.getTime() / 1000;
    expect(value('csdl_gateway_signing_certificate_expiry_timestamp_seconds')).to.equal(notAfter);
    expect(value('csdl_gateway_audit_entries')).to.equal(1234);
    expect(Date.now() / 1000 - value('csdl_gateway_audit_last_checkpoint_timestamp_seconds')).to.be.within(59, 3600);
  });

  it('failing records, in all and by code, as the operators\' summary counts them; the last finished sync', async function () {
    const failing = await createOpsStore(w.store.db).failingByCode();
    expect(value('csdl_gateway_failing_records')).to.equal(failing.total);
    for (const [code, n] of Object.entries(failing.byCode)) expect(value(`csdl_gateway_failing_records_by_code{code="${code}"}`), code).to.equal(n);
    const finished = await w.store.db.query<{ at: Date }>("SELECT max(finished_at) AS at FROM csdl_gateway.sync_runs WHERE status = 'finished' AND NOT dry_run");
    expect(value('csdl_gateway_sync_last_success_timestamp_seconds')).to.equal(finished.rows[0]!.at.getTime() / 1000);
    expect(value('csdl_gateway_oldest_awaiting_receipt_age_seconds')).to.be.at.least(0);
  });

  it('holds no số định danh and no vendor id in any label', async function () {
    const people = await w.store.db.query<{ so_dinh_danh: string | null }>('SELECT DISTINCT so_dinh_danh FROM csdl_gateway.record_versions');
    expect(people.rows.length).to.be.greaterThan(5);
    for (const { so_dinh_danh: so } of people.rows) if (so) expect(text).not.to.contain(so);
    const labels = [...text.matchAll(/\{([^}]*)\}/g)].flatMap((m) => m[1]!.split(',')).filter(Boolean);
    expect(labels.join(',')).not.to.match(/[0-9]{9,}/);
    const names = new Set(labels.map((l) => l.split('=')[0]));
    expect([...names].filter((n) => !['code', 'le', 'national_code', 'operation', 'outcome', 'state', 'status'].includes(n!))).to.deep.equal([]);
  });
});
