import { expect } from 'chai';
import type { AuditActor } from '../../src/audit/audit-entry.js';
import type { CliIo } from '../../src/cli/command.js';
import { createTxCommand } from '../../src/cli/commands/tx-command.js';
import { runCli } from '../../src/cli/run-cli.js';
import { loadWorkingCalendar } from '../../src/calendar/calendar-loader.js';
import { workingDaysBetweenInstants } from '../../src/calendar/working-calendar.js';
import { composeOps, type OpsCapability } from '../../src/compose/ops-compose.js';
import type { SyncWorld } from '../sync/sync-harness.js';
import { actionsOver } from './actions-world.js';
import { startApiApp, type ApiApp } from './api-app.js';
import { memoryAuditLog } from '../setup/memory-audit-log.js';
import { SIX, startOpsWorld } from './ops-world.js';

/**
 * One notion of failing, whatever asks: `tx summary`, `tx records --failing`, GET /api/ops/summary
 * and /records?failing=true, /metrics and /readyz give the same number before and after an
 * operator settles a version and re-sends a person; a settled version and a re-sent one say
 * who acted, when and why, from the CLI and the API alike.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- CLI and API answers are known JSON */
const calendar = loadWorkingCalendar();
const OPERATOR: AuditActor = { kind: 'token', name: 'ops-hanh' };

describe('failing: one definition across tx, /api/ops, /metrics and /readyz (postgres)', function () {
  this.timeout(120_000);
  let w: SyncWorld;
  let api: ApiApp;
  let ops: OpsCapability;

  before(async function () {
    ({ w } = await startOpsWorld());
    api = await startApiApp(w.store.db);
    ops = composeOps({ db: w.store.db, audit: memoryAuditLog(), workingDaysBetween: (a, b) => workingDaysBetweenInstants(a, b, calendar) });
  });
  after(async function () {
    await api?.close();
    await w?.close();
  });

  async function tx(args: string[]): Promise<string> {
    const out: string[] = [];
    const io: CliIo = { out: (l) => out.push(l), err: (l) => out.push(l), isTty: false };
    const command = createTxCommand({
      openStore: async () => ({ db: w.store.db, close: async () => undefined }),
      openAudit: async () => Object.assign(memoryAuditLog(), { close: async () => undefined }),
      user: () => 'lan.nguyen',
      openSource: async () => ({ db: w.source.db, close: async () => undefined }),
      mapping: () => w.mapping,
    });
    expect(await runCli(['tx', ...args], [command], io), out.join('\n')).to.equal(0);
    return out.join('\n');
  }

  async function everywhere(): Promise<number[]> {
    const summary = JSON.parse(await tx(['summary', '--json'])) as { failing: number };
    const listed = JSON.parse(await tx(['records', '--failing', '--json'])) as unknown[];
    const apiSummary = await api.get('/api/ops/summary', api.tokens.auditor);
    const apiRecords = await api.get('/api/ops/records?failing=true', api.tokens.auditor);
    expect(apiRecords.status, JSON.stringify(apiRecords.body)).to.equal(200);
    await ops.metrics.collect();
    const metric = (await ops.metrics.registry.getSingleMetric('csdl_gateway_failing_records')!.get()).values[0]!.value;
    const ready = await ops.readiness();
    const readyFigure = Number(/(\d+) record version\(s\) refused/.exec(ready.message ?? '')?.[1] ?? 0);
    return [summary.failing, listed.length, apiSummary.body.failing, apiRecords.body.total, metric, readyFigure];
  }

  async function version(vendorId: string): Promise<{ id: string }> {
    const res = await w.store.db.query<{ id: string }>(
      'SELECT id::text FROM csdl_gateway.record_versions WHERE vendor_id = $1 ORDER BY approval_id DESC, resend DESC LIMIT 1', [vendorId],
    );
    return res.rows[0]!;
  }

  it('counts person 12 (invalid) and person 6 (rejected) as failing everywhere', async function () {
    expect(await everywhere()).to.deep.equal([2, 2, 2, 2, 2, 2]);
  });

  it('a settled version stops failing everywhere, and shows who settled it, when and why', async function () {
    const twelve = await version('12');
    const { actions } = actionsOver(w);
    await actions.settle(twelve.id, OPERATOR, 'fixed by hand at the Ministry, ticket 4411');
    expect(await everywhere()).to.deep.equal([1, 1, 1, 1, 1, 1]);

    const item = (await api.get('/api/ops/records?state=invalid', api.tokens.auditor)).body.items[0];
    expect(item).to.deep.include({ id: twelve.id, state: 'invalid', failing: false });
    expect(item.settled).to.include({ by: 'ops-hanh', reason: 'fixed by hand at the Ministry, ticket 4411' });
    expect(Date.now() - new Date(item.settled.at).getTime()).to.be.within(0, 60_000);

    const table = await tx(['records', '--state', 'invalid']);
    expect(table).to.match(/settled by ops-hanh at \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ: fixed by hand at the Ministry, ticket 4411/);
    const person = JSON.parse(await tx(['person', '--vendor-id', item.vendorId, '--json'])).people[0];
    expect(person.versions.at(-1).outcome).to.contain('settled by ops-hanh');
  });

  it('a re-sent person: the old version shows who re-sent it, when and why; the new one is what fails now', async function () {
    const before = await version('6');
    const { actions } = actionsOver(w);
    await actions.resend(SIX, OPERATOR, 'the other province says it archived its copy');
    const after = await version('6');
    expect(after.id).not.to.equal(before.id);
    // The national side still holds the number elsewhere: the re-send is rejected again, and it alone fails.
    expect(await everywhere()).to.deep.equal([1, 1, 1, 1, 1, 1]);

    const history = (await api.get(`/api/ops/people/${SIX}`, api.tokens.auditor)).body;
    const old = history.versions.find((v: any) => v.id === before.id);
    expect(old.failing).to.equal(false);
    expect(old.replacedBy).to.deep.include({ id: after.id });
    expect(old.replacedBy.resent).to.include({ by: 'ops-hanh', reason: 'the other province says it archived its copy' });
    expect(old.outcome).to.contain(`re-sent as version ${after.id}`);
    const now = history.versions.find((v: any) => v.id === after.id);
    expect(now.resent).to.include({ by: 'ops-hanh' });
    expect(now.failing).to.equal(now.state === 'rejected');
  });
});
