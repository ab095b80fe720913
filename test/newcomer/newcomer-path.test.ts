import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { createDb, type Db } from '../../src/db/db.js';
import { borrowedEmbedded } from '../../src/db/embedded-postgres.js';
import { openGatewayWorkspace, type GatewayWorkspace, type ShellRun } from '../readme/gateway-workspace.js';

/**
 * A newcomer's first hour, as one path on the embedded default, with one gateway start:
 * start; the first sync; find a refused person and read why (`tx person`, by CMND and by
 * vendor id); the vendor's clerk approves a person whose record holds a spelling the mapping
 * does not know, and a person whose số định danh another province holds; the next syncs refuse
 * the first (invalid, mapping.code_unknown) and the national side rejects the second
 * (DUPLICATE_IDENTITY); `mapping gaps` names the spelling, `mapping synonym add` puts it in the
 * overlay, and the next sync sends the person; then, with the gateway stopped, `tx settle`
 * settles the rejection, `pull` stages the documented transferee 034075009999, and `audit
 * person` prints his access report. Installing is given (`npm ci` and `npm run build` ran).
 * The gateway syncs every 10 s here (SYNC_CRON) so the path does not wait for the quarter hour.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- CLI output is known JSON */
const OTHER_PROVINCE = '000.00.00.H01';
const TRANSFEREE = '034075009999';
const SPELLING = 'Trung cấp LLCT (hệ tại chức)';

function ok(run: ShellRun, what: string): string {
  expect(run.status, `${what} exited ${run.status}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`).to.equal(0);
  return run.stdout;
}

describe("a newcomer's path on the embedded default (one gateway start)", function () {
  this.timeout(900_000);
  let ws: GatewayWorkspace;
  let provincial: Db | undefined;

  before(async function () {
    ws = await openGatewayWorkspace('csdl-newcomer-');
    ws.env.SYNC_CRON = '*/10 * * * * *';
  });
  after(async function () {
    await provincial?.close();
    ws?.close();
  });

  const json = (script: string): any => JSON.parse(ok(ws.sh(script), script));
  /** The person's latest version, through `tx person --vendor-id`. */
  const latest = (vendorId: string): any => {
    const run = ws.sh(`csdl-gateway tx person --vendor-id ${vendorId} --json`);
    // Not taken in yet: ops.person_not_found, exit 1.
    return run.status === 0 ? JSON.parse(run.stdout).people[0].versions.at(-1) : { state: 'not taken in' };
  };

  async function until(what: string, check: () => boolean): Promise<void> {
    const deadline = Date.now() + 180_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`waited 180 s for ${what}\n${ws.output().slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }

  it('start, sync, read why a person was refused, fix the mapping, see them sent, settle a rejection, pull the transferee, print an access report', async function () {
    // Start: the first sync's line says the demo data went out.
    await ws.start(/"sync: due/);
    const simulator = /national simulator at (http:\/\/127\.0\.0\.1:\d+)/.exec(ws.output())?.[1];
    expect(simulator, ws.output()).to.be.a('string');

    // Find a refused person, and read why: by the old CMND they are still filed under.
    const invalid = json('csdl-gateway tx records --state invalid --json') as any[];
    const underCmnd = invalid.find((r) => /^[0-9]{9}$/.test(r.soDinhDanh ?? ''));
    expect(underCmnd, JSON.stringify(invalid)).to.not.equal(undefined);
    const why = ok(ws.sh(`csdl-gateway tx person ${underCmnd.soDinhDanh}`), 'tx person CMND');
    expect(why).to.contain('Why refused / Lý do bị từ chối:');
    expect(why).to.match(/field {3}\/soDinhDanh/);
    expect(why).to.contain(`stored  qlcb.can_bo.so_cccd = "${underCmnd.soDinhDanh}"`);
    expect(why).to.contain('12 chữ số');
    expect(why).to.contain('Enter the 12-digit CCCD');

    // The vendor's clerk at work, through the running gateway's own server for the provincial database.
    const held = borrowedEmbedded(join(ws.work, 'data', 'provincial'));
    expect(held, 'the running gateway serves the provincial database').to.not.equal(undefined);
    provincial = createDb(held!.url, { max: 1, applicationName: 'newcomer-test' });
    const approve = (id: string): Promise<unknown> => provincial!.query(
      "INSERT INTO qlcb.phe_duyet (can_bo_id, trang_thai, nguoi_duyet, don_vi_duyet_id, thoi_diem_duyet) VALUES ($1, 'DA_DUYET', 'Trần Văn Bình', 2, now())", [id]);
    // Person 1 (accepted) gets a spelling of the political-theory level the mapping does not know, and a new address.
    await provincial.query('UPDATE qlcb.can_bo SET ly_luan_chinh_tri = $1, noi_o_hien_nay = $2 WHERE id = 1', [SPELLING, 'Số 7, phường Liên Bảo, Vĩnh Phúc']);
    await approve('1');
    // A person never sent, whose số định danh another province holds at the national side.
    const waiting = await provincial.query<{ id: string }>(
      `SELECT c.id::text AS id FROM qlcb.can_bo c
        WHERE c.so_cccd ~ '^[0-9]{12}$' AND c.trang_thai = 'DANG_LAM' AND c.so_cccd <> $1
          AND (SELECT p.trang_thai FROM qlcb.phe_duyet p WHERE p.can_bo_id = c.id ORDER BY p.id DESC LIMIT 1) <> 'DA_DUYET'
        ORDER BY c.id LIMIT 20`, [TRANSFEREE]);
    // The other province's copy is this person's own record, as `map` makes it (the simulator takes only valid records).
    ok(ws.sh(`csdl-gateway map ${waiting.rows.map((r) => `--person ${r.id}`).join(' ')} --out waiting.jsonl`), 'map --person');
    const mapped = readFileSync(join(ws.work, 'waiting.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const other = mapped.find((m) => m.ok);
    expect(other, 'a waiting person who maps valid').to.not.equal(undefined);
    const record = other.record;
    const seeded = await fetch(`${simulator}/_sim/officials`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ record, sender: OTHER_PROVINCE, approvedAt: '2026-01-05T09:00:00+07:00' }),
    });
    expect(seeded.status, await seeded.clone().text()).to.equal(201);
    await approve(other.vendorId);

    // The next sync refuses person 1 and the national side rejects the other.
    await until('person 1 refused and the other rejected', () => latest('1').state === 'invalid' && latest(other.vendorId).state === 'rejected');
    const refusal = json('csdl-gateway tx person --vendor-id 1 --json').people[0].refusals[0];
    expect(refusal).to.deep.include({ code: 'mapping.code_unknown', path: '/trinhDo/lyLuanChinhTri', ruleKey: 'mapping.code_unknown' });
    expect(refusal.stored).to.deep.equal([{ column: 'qlcb.can_bo.ly_luan_chinh_tri', value: SPELLING }]);
    expect(refusal.fix.en).to.contain('mapping synonym add');

    // Fix the mapping as the README shows: the gap, then a synonym in the province's overlay.
    const gaps = json('csdl-gateway mapping gaps --json') as any[];
    const gap = gaps.find((g) => g.value === SPELLING);
    expect(gap, JSON.stringify(gaps)).to.deep.include({ list: 'ly-luan-chinh-tri', source: 'qlcb.can_bo.ly_luan_chinh_tri', people: 1, examples: ['1'] });
    ok(ws.sh(`csdl-gateway mapping synonym add ly-luan-chinh-tri '${SPELLING}' TC`), 'synonym add');

    // The next sync maps person 1 again under the changed mapping, and sends them.
    await until('person 1 accepted', () => latest('1').state === 'accepted');
    const rejected = latest(other.vendorId);
    expect(rejected.errors.map((e: any) => e.code)).to.deep.equal(['DUPLICATE_IDENTITY']);

    // With the gateway stopped: settle the rejection (handled with the other province outside the gateway).
    await provincial.close();
    provincial = undefined;
    await ws.stop();
    const failingBefore = json('csdl-gateway tx summary --json').failing as number;
    ok(ws.sh(`csdl-gateway tx settle ${rejected.id} --reason 'agreed with the other province, ticket 17'`), 'tx settle');
    expect(json('csdl-gateway tx summary --json').failing).to.equal(failingBefore - 1);
    expect(latest(other.vendorId).outcome).to.contain('settled by');

    // Pull the documented transferee, with its progress on stderr and the answer on stdout.
    const pull = ws.sh(`csdl-gateway pull ${TRANSFEREE} --unit 000.00.07.H62 --decision-no 15/QĐ-UBND --decision-date 2026-12-01 --json`);
    const pulled = JSON.parse(ok(pull, 'pull'));
    expect(pulled.staged).to.include({ status: 'CHO_TIEP_NHAN' });
    expect(pull.stderr).to.contain('pull: 5/5 steps');

    // His access report, in Vietnamese, names the pull.
    ok(ws.sh(`csdl-gateway audit person ${TRANSFEREE} --format html > bao-cao.html`), 'audit person');
    const report = readFileSync(join(ws.work, 'bao-cao.html'), 'utf8');
    expect(report).to.contain('Báo cáo truy cập dữ liệu cá nhân');
    expect(report).to.contain(TRANSFEREE);
    expect(report).to.contain('000.00.00.H62');
  });
});
