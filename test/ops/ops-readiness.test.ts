import { expect } from 'chai';
import { migrate } from '../../src/db/migrate.js';
import { createAttemptStore } from '../../src/ops/attempt-store.js';
import { opsReadiness, opsWarnings } from '../../src/ops/ops-readiness.js';
import { createOpsStore } from '../../src/ops/ops-store.js';
import { loadWorkingCalendar } from '../../src/calendar/calendar-loader.js';
import { workingDaysBetweenInstants } from '../../src/calendar/working-calendar.js';

const calendar = loadWorkingCalendar();
const weekdaysBetween = (from: Date, to: Date): number => workingDaysBetweenInstants(from, to, calendar);
import { freshDatabase, type TestDatabase } from '../setup/databases.js';

/** /readyz warnings: the national side unreachable over 15 minutes, an approval unaccepted over a working day. */
const MIN = 60_000;

describe('ops readiness: warnings (pure)', function () {
  const now = new Date('2026-12-02T03:00:00Z'); // Wednesday 10:00 in Vietnam
  const none = { lastAnswerAt: undefined, failingSince: undefined };

  it('counts working days on the province calendar in Vietnam time, after the first day up to the last', function () {
    const friday = new Date('2026-11-27T09:00:00Z');
    expect(weekdaysBetween(friday, new Date('2026-11-29T09:00:00Z'))).to.equal(0); // Sunday
    expect(weekdaysBetween(friday, new Date('2026-11-30T01:00:00Z'))).to.equal(1); // Monday
    expect(weekdaysBetween(friday, new Date('2026-12-01T01:00:00Z'))).to.equal(2);
    // 23:30 UTC on Sunday is already Monday 06:30 in Vietnam.
    expect(weekdaysBetween(friday, new Date('2026-11-29T23:30:00Z'))).to.equal(1);
    // Tết Bính Ngọ: Monday 16 to Friday 20 February 2026 are days off (config/calendar/2026.json).
    expect(weekdaysBetween(new Date('2026-02-13T03:00:00Z'), new Date('2026-02-23T03:00:00Z'))).to.equal(1);
  });

  it('warns when every attempt has failed for more than 15 minutes, not before', function () {
    expect(opsWarnings({ reachability: { ...none, failingSince: new Date(now.getTime() - 14 * MIN) }, oldest: undefined, now, workingDaysBetween: weekdaysBetween })).to.deep.equal([]);
    const [w] = opsWarnings({ reachability: { ...none, failingSince: new Date(now.getTime() - 16 * MIN) }, oldest: undefined, now, workingDaysBetween: weekdaysBetween });
    expect(w).to.contain('has not answered for 16 min');
  });

  it('warns for an approval unaccepted after more than one working day, naming nobody', function () {
    const oldest = (at: string) => ({ vendorId: '12', soDinhDanh: '008190001111', approvedAt: new Date(at) });
    expect(opsWarnings({ reachability: none, oldest: oldest('2026-12-01T02:00:00Z'), now, workingDaysBetween: weekdaysBetween })).to.deep.equal([]);
    const [w] = opsWarnings({ reachability: none, oldest: oldest('2026-11-30T02:00:00Z'), now, workingDaysBetween: weekdaysBetween });
    expect(w).to.contain('2 working days');
    expect(w).not.to.contain('008190001111');
    expect(w).not.to.contain('12)');
  });
});

describe('ops readiness: from the store (pglite)', function () {
  this.timeout(60_000);
  let t: TestDatabase;

  before(async function () {
    t = await freshDatabase('pglite');
    await migrate(t.db);
  });
  after(async function () {
    await t?.drop();
  });

  async function attempt(minutesAgo: number, status: number | null): Promise<void> {
    await t.db.query(
      `INSERT INTO csdl_gateway.send_attempts (operation, started_at, duration_ms, http_status, request_id, error)
       VALUES ('push', now() - make_interval(mins => $1), 10, $2, gen_random_uuid()::text, $3)`,
      [minutesAgo, status, status === null ? 'ECONNREFUSED' : null],
    );
  }

  const check = () => opsReadiness({ ops: createOpsStore(t.db), attempts: createAttemptStore(t.db), workingDaysBetween: weekdaysBetween })();

  it('stays ok with no warning on an empty store', async function () {
    expect(await check()).to.deep.equal({ name: 'operations', ok: true, message: 'nothing to act on' });
  });

  async function version(vendorId: string, status: string, daysAgo: number): Promise<string> {
    const res = await t.db.query<{ id: string }>(
      `INSERT INTO csdl_gateway.record_versions (vendor_id, approval_id, so_dinh_danh, operation, approved_at, status, errors)
       VALUES ($1, 1, '008190001111', 'upsert', now() - make_interval(days => $2), $3, $4::jsonb) RETURNING id::text`,
      [vendorId, daysAgo, status, status === 'invalid' ? JSON.stringify([{ code: 'SALARY_MISMATCH', path: '/luong', message: 'x' }]) : null],
    );
    return res.rows[0]!.id;
  }

  it('a person refused by pre-validation long ago is a figure of its own, never a warning; a settled one is no figure', async function () {
    const id = await version('12', 'invalid', 10);
    const result = await check();
    expect(result.warning).to.equal(undefined);
    expect(result.message).to.equal('1 record version(s) refused, waiting for a person (csdl-gateway tx records --failing); nothing else to act on');
    expect(result.message).not.to.contain('008190001111');
    await t.db.query(`UPDATE csdl_gateway.record_versions SET settled_at = now(), settled_by = 'x', settle_reason = 'y' WHERE id = $1`, [id]);
    expect(await check()).to.deep.equal({ name: 'operations', ok: true, message: 'nothing to act on' });
  });

  it('an approval the gateway still carries (queued) for over a working day warns', async function () {
    const id = await version('13', 'queued', 10);
    const result = await check();
    expect(result.warning).to.match(/still on its way after \d+ working days/);
    await t.db.query(`DELETE FROM csdl_gateway.record_versions WHERE id = $1`, [id]);
  });

  it('an answer 30 min ago then only failures for 20 min: ready, with a warning; a 4xx answer ends it', async function () {
    await attempt(30, 202);
    await attempt(20, null);
    await attempt(5, 503);
    const result = await check();
    expect(result.ok).to.equal(true);
    expect(result.warning).to.match(/has not answered for (20|21) min/);
    await attempt(1, 409);
    expect((await check()).warning).to.equal(undefined);
  });
});
