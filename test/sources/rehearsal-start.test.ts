import { expect } from 'chai';
import { openGatewayWorkspace, type GatewayWorkspace } from '../readme/gateway-workspace.js';

interface Conflict { soDinhDanh: string; sides: { source: string; vendorId: string }[] }
interface RecordRow { soDinhDanh: string; source: string; state: string }

/**
 * The rehearsal of a merged province: `DEMO_SOURCES=2 csdl-gateway start` on the embedded
 * default (a real process, two embedded demo databases of two vendors with people in both).
 * The start-up sync sends the people one source approves, holds the people both approve as
 * conflicts, logs their count with the `tx conflicts` hint and no personal data; `tx conflicts`
 * lists them. Needs `npm run build`.
 */
describe('rehearsal: DEMO_SOURCES=2 start runs a merged province on the embedded default', function () {
  this.timeout(300_000);
  let ws: GatewayWorkspace;

  before(async function () {
    ws = await openGatewayWorkspace('csdl-rehearsal-');
    ws.env.DEMO_SOURCES = '2';
    ws.env.DEMO_PEOPLE = '40';
    await ws.start(/"sync: [^"]*new conflict/);
  });
  after(async function () {
    if (ws?.running()) await ws.stop();
    ws?.close();
  });

  it('names the second demo database in the start-up lines', function () {
    expect(ws.output()).to.match(/rehearsal: +a merged province of 2 sources \(DEMO_SOURCES=2\): default, and nhansu in \S+provincial-nhansu \(40 people, \d+ approved/);
  });

  it('sends the people one source approves and lists the people both approve as conflicts', function () {
    const logged = /sources: (\d+) new conflict\(s\), \d+ version\(s\) held, 0 moved between sources \(xung đột nguồn: csdl-gateway tx conflicts\)/.exec(ws.output());
    expect(logged, ws.output()).to.not.equal(null);
    const found = Number(logged![1]);
    expect(found).to.be.greaterThan(0);

    const listed = ws.sh('csdl-gateway tx conflicts --json');
    expect(listed.status, listed.stderr).to.equal(0);
    const conflicts = JSON.parse(listed.stdout) as Conflict[];
    expect(conflicts).to.have.length(found);
    for (const c of conflicts) expect(c.sides.map((s) => s.source).sort()).to.deep.equal(['default', 'nhansu']);
    const held = new Set(conflicts.map((c) => c.soDinhDanh));

    const table = ws.sh('csdl-gateway tx conflicts');
    expect(table.status, table.stderr).to.equal(0);
    expect(table.stdout).to.include(`${found} open conflict(s)`);

    const accepted = new Map<string, string[]>();
    for (const source of ['default', 'nhansu']) {
      const run = ws.sh(`csdl-gateway tx records --source ${source} --json`);
      expect(run.status, run.stderr).to.equal(0);
      const rows = JSON.parse(run.stdout) as RecordRow[];
      const sent = rows.filter((r) => r.state === 'accepted');
      expect(sent.length, `${source}'s own people accepted`).to.be.greaterThan(0);
      for (const r of sent) accepted.set(r.soDinhDanh, [...(accepted.get(r.soDinhDanh) ?? []), source]);
    }
    for (const [id, sources] of accepted) {
      expect(sources, 'a person sent by one source only').to.have.length(1);
      expect(held.has(id), 'a person in both sources is not sent').to.equal(false);
    }
    // No số định danh in what the gateway printed or logged.
    for (const id of held) expect(ws.output()).not.to.include(id);
  });
});
