import { expect } from 'chai';
import type { RunningSimulator } from '../../src/simulator/simulator-server.js';
import type { SyncSummary } from '../../src/sync/sync-summary.js';
import { startCli, type CliExit } from '../setup/cli-process.js';
import type { TestDatabase } from '../setup/databases.js';
import { startCliWorld, type CliWorld } from './cli-world.js';

/**
 * `csdl-gateway sync --json` as a scheduler sees it: exit 75 while the national side answers
 * 503 (the packet stays pending), 0 once everything went through, 1 when a packet is refused
 * with a 400; stdout one JSON summary. The built CLI against PostgreSQL and the simulator,
 * the provincial sample only (persons 1-9 valid, 12 invalid). Run `npm run build` first.
 */
describe('csdl-gateway sync: exit status and --json', function () {
  this.timeout(90_000);
  let world: CliWorld | undefined;
  let source: TestDatabase;
  let sim: RunningSimulator;
  let env: Record<string, string>;

  before(async function () {
    world = await startCliWorld({ env: { RECEIPT_WAIT_MS: '10000', LOG_LEVEL: 'error' } });
    ({ source, sim, env } = world);
  });

  after(async function () {
    await world?.close();
  });

  async function sync(): Promise<{ exit: CliExit; summary: SyncSummary }> {
    const exit = await startCli(['sync', '--json'], env).exit;
    const lines = exit.stdout.trim().split('\n');
    expect(lines, exit.stderr).to.have.length(1);
    return { exit, summary: JSON.parse(lines[0]!) as SyncSummary };
  }

  it('exits 75 when the national side answers 503 every time: the packet stays pending', async function () {
    // Retry-After: 0, so the CLI's five attempts do not wait out a backoff.
    sim.faults.scriptNext('push', ...Array.from({ length: 5 }, () => ({ status: 503, retryAfter: 0 })));
    const { exit, summary } = await sync();
    expect(exit.code, exit.stderr).to.equal(75);
    expect(summary).to.include({ packetsBuilt: 1, packetsSent: 0, packetsPending: 1, invalid: 1 });
  });

  it('exits 0 once the national side is back and everything went through', async function () {
    const { exit, summary } = await sync();
    expect(exit.code, exit.stderr).to.equal(0);
    expect(summary).to.include({ packetsSent: 1, packetsPending: 0, packetsFailed: 0, accepted: 9 });
  });

  it('exits 1 when a packet is refused for good', async function () {
    await source.db.query(`UPDATE qlcb.can_bo SET noi_o_hien_nay = 'Số 3, phường Liên Bảo' WHERE id = 1`);
    await source.db.query(`INSERT INTO qlcb.phe_duyet (can_bo_id, trang_thai, nguoi_duyet, don_vi_duyet_id, thoi_diem_duyet) VALUES (1, 'DA_DUYET', 'Trần Văn Bình', 2, '2026-11-20 09:00+07')`);
    sim.faults.scriptNext('push', { status: 400, body: { code: 'SCHEMA_INVALID', message: 'refused on purpose' } });
    const { exit, summary } = await sync();
    expect(exit.code, exit.stderr).to.equal(1);
    expect(summary).to.include({ packetsFailed: 1 });
  });
});
