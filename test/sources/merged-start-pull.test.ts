import type { ChildProcess } from 'node:child_process';
import { expect } from 'chai';
import { assertCliBuilt, startCli, type CliExit } from '../setup/cli-process.js';
import { record } from '../simulator/simulator-harness.js';
import { createTokenService } from '../../src/tokens/token-service.js';
import { createTokenStore } from '../../src/tokens/token-store.js';
import { startMergedWorld, type MergedWorld } from './merged-world.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- API answers and staged rows are known shapes */
/**
 * `csdl-gateway start` with a sources file, as a real process on two real PostgreSQL sources:
 * POST /api/transfers stages a transferee in the source whose unit tree holds the receiving
 * unit (tinh-b here, its units recoded H26 as an old province of its own), in that vendor's
 * table, with the transfer and its audit entries naming the source and the operator's token.
 */
describe('merged province: start serves /api/transfers, staging in the right source', function () {
  this.timeout(300_000);
  let w: MergedWorld;
  let gateway: { child: ChildProcess; exit: Promise<CliExit> } | undefined;
  let url = '';
  let token = '';

  before(async function () {
    assertCliBuilt();
    w = await startMergedWorld(8);
    await w.nhansu.db.query("UPDATE nhansu.org_unit SET agency_code = replace(agency_code, 'H62', 'H26')");
    // A configured store gets no first token: the operator's, as `tokens create` makes it.
    token = (await createTokenService(createTokenStore(w.store.db)).create({ name: 'transfer-desk', role: 'operator' })).token;
    gateway = startCli(['start'], { ...w.env, PORT: '0', SYNC_CRON: '0 0 1 1 *', LOG_LEVEL: 'warn' });
    let printed = '';
    gateway.child.stdout?.on('data', (c: Buffer) => (printed += c.toString('utf8')));
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /http:\s+(http:\/\/\S+)/.exec(printed);
        if (/csdl-gateway is running/.test(printed) && m) {
          clearInterval(timer);
          url = m[1]!;
          resolve();
        }
      }, 250);
      void gateway!.exit.then((e) => {
        clearInterval(timer);
        reject(new Error(`the gateway ended: ${e.code} ${e.stderr}`));
      });
    });
  });
  after(async function () {
    if (gateway?.child.exitCode === null) {
      gateway.child.kill('SIGTERM');
      await gateway.exit;
    }
    await w?.close();
  });

  it('pulls one transferee through the HTTP API into the second source', async function () {
    const unit = await w.nhansu.db.query<{ code: string; id: number }>(
      "SELECT agency_code AS code, org_id AS id FROM nhansu.org_unit WHERE NOT coalesce(closed, false) AND merged_into IS NULL AND agency_code LIKE '%.H26' ORDER BY org_id DESC LIMIT 1");
    const { code, id } = unit.rows[0]!;
    const data = record(903).data;
    await w.sim.simulator.seedOfficial({ soDinhDanh: data.soDinhDanh, record: data, approvedAt: '2026-01-05T08:00:00+07:00', sender: '000.00.00.H26', archived: false });
    const res = await fetch(`${url}/api/transfers`, {
      method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ soDinhDanh: data.soDinhDanh, receivingUnit: code, decision: { so: '12/QĐ-SNV', ngayHieuLuc: '2026-02-09' } }),
    });
    const body = (await res.json()) as any;
    expect(res.status, JSON.stringify(body)).to.equal(201);
    expect(body.transfer.source).to.equal('tinh-b');
    expect(body.staged.table).to.equal('nhansu.inbound_transfer');
    const staged = await w.nhansu.db.query<{ citizen_no: string; receiving_org_id: string }>('SELECT citizen_no, receiving_org_id FROM nhansu.inbound_transfer');
    expect(staged.rows.map((r) => [r.citizen_no, Number(r.receiving_org_id)])).to.deep.equal([[data.soDinhDanh, id]]);
    expect((await w.qlcb.db.query('SELECT 1 FROM qlcb.tiep_nhan_chuyen_den')).rows).to.have.length(0);
    const entries = await w.store.db.query<{ action: string; outcome: string; source: string; actor_name: string }>(
      "SELECT action, outcome, source, actor_name FROM csdl_gateway.audit_log WHERE $1 = ANY(people) AND action LIKE 'transfer.%' ORDER BY seq", [data.soDinhDanh]);
    expect(entries.rows).to.deep.equal([
      { action: 'transfer.request', outcome: 'ok', source: 'tinh-b', actor_name: 'transfer-desk' },
      { action: 'transfer.pull', outcome: 'ok', source: 'tinh-b', actor_name: 'transfer-desk' },
    ]);
  });
});
