import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { installProvincialSchema } from '../../src/demo/provincial-schema.js';
import { createCmsSigner } from '../../src/signing/cms-signer.js';
import { ensureDevPki } from '../../src/signing/dev-pki.js';
import { FaultSwitches } from '../../src/simulator/fault-switches.js';
import { startSimulator, type RunningSimulator } from '../../src/simulator/simulator-server.js';
import type { SyncSummary } from '../../src/sync/sync-summary.js';
import { assertCliBuilt, startCli, type CliExit } from '../setup/cli-process.js';
import { freshDatabase, type TestDatabase } from '../setup/databases.js';
import { CLIENT, PASSPHRASE, PROVINCE, devPki } from '../simulator/simulator-harness.js';

/**
 * `csdl-gateway sync --json` as a scheduler sees it: exit 75 while the national side answers
 * 503 (the packet stays pending), 0 once everything went through, 1 when a packet is refused
 * with a 400; stdout one JSON summary. The built CLI against PostgreSQL and the simulator,
 * the provincial sample only (persons 1-9 valid, 12 invalid). Run `npm run build` first.
 */
describe('csdl-gateway sync: exit status and --json', function () {
  this.timeout(90_000);
  let source: TestDatabase;
  let store: TestDatabase;
  let ledger: TestDatabase;
  let sim: RunningSimulator;
  let dataDir: string;
  let env: Record<string, string>;

  before(async function () {
    assertCliBuilt();
    const pki = await devPki();
    const files = await ensureDevPki(pki.dir, { senderCode: PROVINCE, passphrase: PASSPHRASE });
    source = await freshDatabase('postgres');
    await installProvincialSchema(source.db, { sample: true });
    store = await freshDatabase('postgres');
    ledger = await freshDatabase('postgres');
    sim = await startSimulator({
      db: ledger.db,
      clients: [{ ...CLIENT, consumerCode: PROVINCE, trustAnchorsPem: pki.trustAnchorsPem }],
      ministrySigner: createCmsSigner(pki.ministry),
      faults: new FaultSwitches(),
    });
    dataDir = mkdtempSync(join(tmpdir(), 'csdl-sync-exit-'));
    env = {
      DATABASE_URL: store.url, SOURCE_DATABASE_URL: source.url, NDXP_URL: sim.url,
      NDXP_CLIENT_ID: CLIENT.clientId, NDXP_CLIENT_SECRET: CLIENT.clientSecret, SENDER_CODE: PROVINCE,
      SIGNING_KEY_FILE: files.province.p12, SIGNING_KEY_PASSPHRASE: PASSPHRASE, TRUST_ANCHORS_FILE: files.trustAnchors,
      RECEIPT_WAIT_MS: '10000', DATA_DIR: dataDir, LOG_LEVEL: 'error', LOG_FORMAT: 'json',
    };
  });

  after(async function () {
    await sim?.stop();
    for (const t of [ledger, store, source]) await t?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
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
