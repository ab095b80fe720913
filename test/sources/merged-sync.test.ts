import { expect } from 'chai';
import { composeOps } from '../../src/compose/ops-compose.js';
import { createOpsStore } from '../../src/ops/ops-store.js';
import { sourcesReadiness } from '../../src/sources/sources-readiness.js';
import { startCli } from '../setup/cli-process.js';
import { startApiApp } from '../ops/api-app.js';
import { startMergedWorld, type MergedWorld } from './merged-world.js';

/** The số định danh of each person approved in a source (qlcb: so_cccd; nhansu: citizen_id, separators dropped). */
async function approvedIds(w: MergedWorld): Promise<{ a: Set<string>; b: Set<string> }> {
  const a = await w.qlcb.db.query<{ id: string }>(
    `SELECT c.so_cccd AS id FROM qlcb.can_bo c
      WHERE (SELECT p.trang_thai FROM qlcb.phe_duyet p WHERE p.can_bo_id = c.id ORDER BY p.id DESC LIMIT 1) = 'DA_DUYET'`);
  const b = await w.nhansu.db.query<{ id: string }>(
    `SELECT regexp_replace(e.citizen_id, '[^0-9]', '', 'g') AS id FROM nhansu.employee e
      WHERE NOT e.is_deleted AND (SELECT r.outcome FROM nhansu.record_review r WHERE r.emp_id = e.emp_id ORDER BY r.rec_id DESC LIMIT 1) = 'A'`);
  return { a: new Set(a.rows.map((r) => r.id)), b: new Set(b.rows.map((r) => r.id)) };
}

async function acceptances(w: MergedWorld): Promise<Map<string, number>> {
  const res = await w.ledger.db.query<{ so_dinh_danh: string; n: number }>('SELECT so_dinh_danh, count(*)::int AS n FROM csdl_simulator.acceptances GROUP BY 1');
  return new Map(res.rows.map((r) => [r.so_dinh_danh, r.n]));
}

describe('merged province: one sync over two provincial databases (qlcb and nhansu, real PostgreSQL)', function () {
  this.timeout(300_000);
  let w: MergedWorld;
  let ids: { a: Set<string>; b: Set<string> };
  let both: string[];

  before(async function () {
    w = await startMergedWorld(12);
    // Keep four of nhansu's people: two also approved in qlcb (the conflicts), two its own.
    const all = await w.nhansu.db.query<{ emp_id: number }>('SELECT emp_id FROM nhansu.employee ORDER BY emp_id');
    const empIds = all.rows.map((r) => r.emp_id);
    ids = await approvedIds(w);
    both = [...ids.a].filter((x) => ids.b.has(x));
    expect(both.length, 'the same seed gives the same people in both vendors').to.be.greaterThan(4);
    await w.nhansu.db.query(`UPDATE nhansu.employee SET is_deleted = true WHERE emp_id = ANY($1::int[])`, [empIds.slice(6)]);
    // Two of them become tinh-b's own people: another serial in their số định danh.
    await w.nhansu.db.query(
      `UPDATE nhansu.employee SET citizen_id = left(regexp_replace(citizen_id, '[^0-9]', '', 'g'), 6) || '9999' || lpad(emp_id::text, 2, '0')
        WHERE emp_id = ANY($1::int[])`, [empIds.slice(4, 6)]);
    ids = await approvedIds(w);
    both = [...ids.a].filter((x) => ids.b.has(x));
  });
  after(async function () {
    await w?.close();
  });

  it('sends every person one source approves, once, and holds the people both approve as conflicts (exit 0)', async function () {
    expect(both.length).to.be.greaterThan(0);
    const run = await w.cli(['sync', '--json']);
    expect(run.code, run.stderr).to.equal(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.conflicts).to.equal(both.length);
    const accepted = await acceptances(w);
    for (const x of both) expect(accepted.has(x), `a person in both sources (${x.slice(0, 3)}…) is not sent`).to.equal(false);
    const onlyOne = [...ids.a, ...ids.b].filter((x) => !both.includes(x));
    for (const x of onlyOne) expect(accepted.get(x), 'each person of one source accepted once').to.equal(1);
    // A person one source approves is streamed: recorded with its packet, the record text only
    // in the signed envelope. A person both approve was recorded first, and keeps its text, held.
    const kept = await w.store.db.query<{ so_dinh_danh: string; status: string; text: boolean }>(
      "SELECT so_dinh_danh, status, record IS NOT NULL AS text FROM csdl_gateway.record_versions WHERE status <> 'invalid'");
    const streamed = kept.rows.filter((r) => !r.text).map((r) => r.so_dinh_danh);
    expect(streamed.sort()).to.deep.equal([...onlyOne].sort());
    expect(kept.rows.filter((r) => r.text).map((r) => `${r.status} ${r.so_dinh_danh}`).sort()).to.deep.equal([...both, ...both].map((x) => `held ${x}`).sort());
    const conflicts = await w.store.db.query<{ so_dinh_danh: string; sides: { source: string; approvedAt: string }[]; fields: string[] | null }>(
      'SELECT so_dinh_danh, sides, fields FROM csdl_gateway.source_conflicts WHERE settled_at IS NULL ORDER BY so_dinh_danh');
    expect(conflicts.rows.map((r) => r.so_dinh_danh)).to.deep.equal([...both].sort());
    for (const c of conflicts.rows) {
      expect(c.sides.map((s) => s.source).sort()).to.deep.equal(['tinh-a', 'tinh-b']);
      expect(c.sides.every((s) => typeof s.approvedAt === 'string')).to.equal(true);
      expect(c.fields).to.be.an('array');
    }
    // No personal value in what the sync printed or logged.
    for (const x of both) expect(run.stdout + run.stderr).not.to.include(x);
  });

  it('a second run sends nothing again and opens no new conflict', async function () {
    const before = await acceptances(w);
    const run = await w.cli(['sync', '--json']);
    expect(run.code, run.stderr).to.equal(0);
    expect(JSON.parse(run.stdout).conflicts ?? 0).to.equal(0);
    expect(await acceptances(w)).to.deep.equal(before);
  });

  it('lists the conflicts (tx conflicts, GET /api/ops/conflicts) and settles one with tx prefer: audited, sent as the chosen source\'s record', async function () {
    const listed = await w.cli(['tx', 'conflicts', '--json']);
    expect(listed.code, listed.stderr).to.equal(0);
    const items = JSON.parse(listed.stdout) as { soDinhDanh: string; sides: { source: string; approvedAt: string }[]; fields: string[] | null; settled: unknown }[];
    expect(items.map((c) => c.soDinhDanh).sort()).to.deep.equal([...both].sort());
    const table = await w.cli(['tx', 'conflicts', '--source', 'tinh-b']);
    expect(table.code).to.equal(0);
    expect(table.stdout).to.include(`${both.length} open conflict(s)`);

    // The same listing over HTTP, for an auditor's token; the read is audited naming the people.
    const api = await startApiApp(w.store.db);
    try {
      const byHttp = await api.get('/api/ops/conflicts?source=tinh-a', api.tokens.auditor);
      expect(byHttp.status).to.equal(200);
      expect((byHttp.body as { items: { soDinhDanh: string }[] }).items.map((c) => c.soDinhDanh).sort()).to.deep.equal([...both].sort());
      expect((await api.get('/api/ops/conflicts?source=Bad_Name', api.tokens.auditor)).status).to.equal(400);
      expect((await api.get('/api/ops/conflicts')).status).to.equal(401);
    } finally {
      await api.close();
    }

    const chosen = both[0]!;
    const refused = await w.cli(['tx', 'prefer', chosen, '--source', 'tinh-c', '--reason', 'sai nguồn']);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.include('ops.source_not_in_conflict');
    const usage = await w.cli(['tx', 'prefer', chosen, '--reason', 'no source']);
    expect(usage.code).to.equal(2);

    const prefer = await w.cli(['tx', 'prefer', chosen, '--source', 'tinh-b', '--reason', 'Chuyển công tác: hồ sơ ở tỉnh B là hồ sơ đang dùng', '--json']);
    expect(prefer.code, prefer.stderr).to.equal(0);
    const result = JSON.parse(prefer.stdout);
    expect(result.action).to.equal('prefer');
    expect(result.queued).to.equal(1);
    expect(result.summary.accepted).to.equal(1);
    expect((await acceptances(w)).get(chosen)).to.equal(1);
    const owner = await w.store.db.query<{ source: string }>('SELECT source FROM csdl_gateway.person_owners WHERE so_dinh_danh = $1', [chosen]);
    expect(owner.rows[0]?.source).to.equal('tinh-b');
    const sent = await w.store.db.query<{ source: string; status: string }>(
      "SELECT source, status FROM csdl_gateway.record_versions WHERE so_dinh_danh = $1 ORDER BY source", [chosen]);
    expect(sent.rows).to.deep.equal([{ source: 'tinh-a', status: 'held' }, { source: 'tinh-b', status: 'accepted' }]);
    const audit = await w.store.db.query<{ action: string; people: string[]; purpose: string; source: string; outcome: string }>(
      "SELECT action, people, purpose, source, outcome FROM csdl_gateway.audit_log WHERE action = 'ops.person.prefer' ORDER BY seq");
    expect(audit.rows.map((r) => [r.outcome, r.source])).to.deep.equal([['refused', 'tinh-c'], ['ok', 'tinh-b']]);
    expect(audit.rows[1]!.people).to.deep.equal([chosen]);
    const verify = await w.cli(['audit', 'verify']);
    expect(verify.code, verify.stdout + verify.stderr).to.equal(0);
    // Settled: listed with --all only; preferring again is refused.
    const open = JSON.parse((await w.cli(['tx', 'conflicts', '--json'])).stdout) as unknown[];
    expect(open).to.have.length(both.length - 1);
    const again = await w.cli(['tx', 'prefer', chosen, '--source', 'tinh-a', '--reason', 'again']);
    expect(again.stderr).to.include('ops.conflict_not_found');
    // A re-send reads the person from the source that now speaks for them.
    const resend = await w.cli(['tx', 'resend', chosen, '--reason', 'Bộ báo mất hồ sơ', '--json']);
    expect(resend.code, resend.stderr).to.equal(0);
    const resent = await w.store.db.query<{ source: string; resend: number }>(
      'SELECT source, resend FROM csdl_gateway.record_versions WHERE so_dinh_danh = $1 AND resend > 0', [chosen]);
    expect(resent.rows).to.deep.equal([{ source: 'tinh-b', resend: 1 }]);
  });

  it('a person one source marks departed and the other approves later moves: an update nationally, never a second record', async function () {
    // A person of tinh-a only (their nhansu row was removed in the software), sent by the first sync.
    const onlyA = await w.qlcb.db.query<{ id: number; so_cccd: string }>(
      `SELECT c.id, c.so_cccd FROM qlcb.can_bo c WHERE c.trang_thai = 'DANG_LAM' AND c.so_cccd = ANY($1::text[]) ORDER BY c.id`, [[...ids.a].filter((x) => !ids.b.has(x))]);
    const emp = await w.nhansu.db.query<{ emp_id: number; sdd: string }>(
      `SELECT emp_id, regexp_replace(citizen_id, '[^0-9]', '', 'g') AS sdd FROM nhansu.employee WHERE is_deleted AND status_code = 'DL'`);
    const mover = onlyA.rows.find((r) => emp.rows.some((e) => e.sdd === r.so_cccd));
    expect(mover, 'a tinh-a person also held (removed) in tinh-b').to.not.equal(undefined);
    const sdd = mover!.so_cccd;
    expect((await acceptances(w)).get(sdd)).to.equal(1);
    // tinh-a: left for another province, approved.
    await w.qlcb.db.query(`UPDATE qlcb.can_bo SET trang_thai = 'CHUYEN_DI', ngay_nghi = current_date - 1 WHERE id = $1`, [mover!.id]);
    await w.qlcb.db.query(
      `INSERT INTO qlcb.phe_duyet (can_bo_id, trang_thai, nguoi_duyet, don_vi_duyet_id, thoi_diem_duyet)
       SELECT can_bo_id, 'DA_DUYET', nguoi_duyet, don_vi_duyet_id, now() - interval '1 minute' FROM qlcb.phe_duyet WHERE can_bo_id = $1 ORDER BY id DESC LIMIT 1`, [mover!.id]);
    const left = await w.cli(['sync', '--json']);
    expect(left.code, left.stderr).to.equal(0);
    // tinh-b: the same person, now working there, approved later.
    const empId = emp.rows.find((e) => e.sdd === sdd)!.emp_id;
    await w.nhansu.db.query('UPDATE nhansu.employee SET is_deleted = false WHERE emp_id = $1', [empId]);
    await w.nhansu.db.query(`INSERT INTO nhansu.record_review (emp_id, outcome, reviewer, reviewed_at) VALUES ($1, 'A', 'Trưởng phòng', now())`, [empId]);
    const moved = await w.cli(['sync', '--json']);
    expect(moved.code, moved.stderr).to.equal(0);
    const summary = JSON.parse(moved.stdout);
    expect(summary.moved).to.equal(1);
    expect(summary.conflicts ?? 0).to.equal(0);
    const ops = await w.ledger.db.query<{ operation: string }>('SELECT operation FROM csdl_simulator.acceptances WHERE so_dinh_danh = $1 ORDER BY id', [sdd]);
    expect(ops.rows.map((r) => r.operation)).to.deep.equal(['upsert', 'archive', 'upsert']);
    const official = await w.ledger.db.query<{ n: number; archived: boolean }>('SELECT count(*) OVER ()::int AS n, archived FROM csdl_simulator.officials WHERE so_dinh_danh = $1', [sdd]);
    expect(official.rows).to.deep.equal([{ n: 1, archived: false }]);
    const owner = await w.store.db.query<{ source: string }>('SELECT source FROM csdl_gateway.person_owners WHERE so_dinh_danh = $1', [sdd]);
    expect(owner.rows[0]?.source).to.equal('tinh-b');
  });

  describe('a source that cannot be read', function () {
    const nhansuDb = (): string => new URL(w.nhansu.url).pathname.slice(1);
    const setConnections = async (allow: boolean) => {
      await w.qlcb.db.query(`ALTER DATABASE "${nhansuDb()}" ALLOW_CONNECTIONS ${allow}`);
    };
    const readiness = async () => sourcesReadiness({ ops: createOpsStore(w.store.db), workingDaysBetween: () => 0 })();

    /** One new approval in each source, of a person each owns alone. */
    async function approveOneInEach(): Promise<{ a: string; b: string }> {
      const a = await w.qlcb.db.query<{ id: number; so_cccd: string }>(
        `SELECT c.id, c.so_cccd FROM qlcb.can_bo c WHERE c.trang_thai = 'DANG_LAM' AND c.so_cccd = ANY($1::text[]) ORDER BY c.id LIMIT 1`,
        [[...ids.a].filter((x) => !ids.b.has(x))]);
      await w.qlcb.db.query(
        `INSERT INTO qlcb.phe_duyet (can_bo_id, trang_thai, nguoi_duyet, don_vi_duyet_id, thoi_diem_duyet)
         SELECT can_bo_id, 'DA_DUYET', nguoi_duyet, don_vi_duyet_id, now() FROM qlcb.phe_duyet WHERE can_bo_id = $1 ORDER BY id DESC LIMIT 1`, [a.rows[0]!.id]);
      await w.qlcb.db.query(`UPDATE qlcb.can_bo SET dien_thoai = '0912' || lpad((random() * 999999)::int::text, 6, '0') WHERE id = $1`, [a.rows[0]!.id]);
      const b = await w.nhansu.db.query<{ emp_id: number; sdd: string }>(
        `SELECT emp_id, regexp_replace(citizen_id, '[^0-9]', '', 'g') AS sdd FROM nhansu.employee
          WHERE NOT is_deleted AND regexp_replace(citizen_id, '[^0-9]', '', 'g') = ANY($1::text[]) ORDER BY emp_id LIMIT 1`,
        [[...ids.b].filter((x) => !ids.a.has(x))]);
      await w.nhansu.db.query(`UPDATE nhansu.employee SET mobile = '0913' || lpad((random() * 999999)::int::text, 6, '0') WHERE emp_id = $1`, [b.rows[0]!.emp_id]);
      await w.nhansu.db.query(`INSERT INTO nhansu.record_review (emp_id, outcome, reviewer, reviewed_at) VALUES ($1, 'A', 'Trưởng phòng', now())`, [b.rows[0]!.emp_id]);
      return { a: a.rows[0]!.so_cccd, b: b.rows[0]!.sdd };
    }

    it('unreachable at start: the other source\'s people are sent, the run exits 75, /readyz names the source; the next run takes it up', async function () {
      const person = await approveOneInEach();
      const before = await acceptances(w);
      await setConnections(false);
      try {
        const run = await w.cli(['sync', '--json']);
        expect(run.code, run.stderr).to.equal(75);
        const summary = JSON.parse(run.stdout);
        expect(summary.sourcesFailed.map((f: { source: string }) => f.source)).to.deep.equal(['tinh-b']);
        expect((await acceptances(w)).get(person.a)).to.equal((before.get(person.a) ?? 0) + 1);
        expect((await acceptances(w)).get(person.b) ?? 0).to.equal(before.get(person.b) ?? 0);
        const ready = await readiness();
        expect(ready.ok).to.equal(true);
        expect(ready.warning).to.include('source tinh-b could not be read');
        expect(ready.warning).not.to.include(person.b);
        // /metrics: per-source figures, the source that could not be read at 0; no person in a label.
        const ops = composeOps({ db: w.store.db, audit: { append: async () => undefined }, workingDaysBetween: () => 0, mergedSources: ['tinh-a', 'tinh-b'] });
        await ops.metrics.collect();
        const text = await ops.metrics.registry.metrics();
        expect(text).to.include('csdl_gateway_source_last_sync_read{source="tinh-b"} 0').and.include('csdl_gateway_source_last_sync_read{source="tinh-a"} 1');
        expect(text).to.match(/csdl_gateway_source_records\{source="tinh-a",state="accepted"\} [1-9]/);
        expect(text).to.match(/csdl_gateway_source_conflicts_open\{source="tinh-b"\} [1-9]/);
        expect(text).not.to.include(person.a);
      } finally {
        await setConnections(true);
      }
      const next = await w.cli(['sync', '--json']);
      expect(next.code, next.stderr).to.equal(0);
      expect((await acceptances(w)).get(person.b)).to.equal((before.get(person.b) ?? 0) + 1);
      expect((await readiness()).warning ?? '').not.to.include('tinh-b');
    });

    it('stopped mid-run (its read blocked, then its connections cut): the other source goes on, exit 75, nothing lost, nothing twice', async function () {
      const person = await approveOneInEach();
      const before = await acceptances(w);
      const sync = startCli(['sync', '--json'], w.env).exit;
      // Hold tinh-b's read on a lock, cut its connections once it waits there, and keep it out.
      await w.nhansu.db.transaction(async (tx) => {
        await tx.query('LOCK TABLE nhansu.employee IN ACCESS EXCLUSIVE MODE');
        for (let i = 0; ; i++) {
          const waiting = await w.qlcb.db.query(
            "SELECT 1 FROM pg_stat_activity WHERE application_name = 'csdl-gateway-source-tinh-b' AND wait_event_type = 'Lock'");
          if (waiting.rows.length > 0) break;
          if (i > 600) throw new Error('the sync never read tinh-b');
          await new Promise((r) => setTimeout(r, 50));
        }
        await setConnections(false);
        await w.qlcb.db.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'csdl-gateway-source-tinh-b'");
      });
      try {
        const run = await sync;
        expect(run.code, run.stderr).to.equal(75);
        expect(JSON.parse(run.stdout).sourcesFailed[0].source).to.equal('tinh-b');
        expect((await acceptances(w)).get(person.a)).to.equal((before.get(person.a) ?? 0) + 1);
      } finally {
        await setConnections(true);
      }
      const next = await w.cli(['sync', '--json']);
      expect(next.code, next.stderr).to.equal(0);
      const after = await acceptances(w);
      expect(after.get(person.b)).to.equal((before.get(person.b) ?? 0) + 1);
      // Exactly once across both sources: every version accepted once, no packet stored twice for one version.
      const twice = await w.ledger.db.query('SELECT so_dinh_danh, approved_at_text FROM csdl_simulator.acceptances GROUP BY 1, 2 HAVING count(*) > 1');
      expect(twice.rows).to.deep.equal([]);
    });
  });
});
