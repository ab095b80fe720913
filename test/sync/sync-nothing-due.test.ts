import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SyncSummary } from '../../src/sync/sync-summary.js';
import { paths } from '../../src/paths.js';
import { startCli, type CliExit } from '../setup/cli-process.js';
import type { TestDatabase } from '../setup/databases.js';
import { startCliWorld, type CliWorld } from './cli-world.js';

/**
 * A sync with nothing due reads no signing key and loads neither the logger's library, the
 * key's (node-forge) nor the progress bar's; when something is due, the key is read then, and
 * a bad key stops the run before any packet is stored: the person stays due. The built CLI
 * against PostgreSQL and the simulator, the provincial sample. Run `npm run build` first.
 */
describe('csdl-gateway sync: nothing due reads no key', function () {
  this.timeout(90_000);
  let world: CliWorld | undefined;
  let source: TestDatabase;
  let store: TestDatabase;
  let env: Record<string, string>;
  let dir: string;

  before(async function () {
    world = await startCliWorld({ env: { RECEIPT_WAIT_MS: '10000', LOG_LEVEL: 'error' } });
    ({ source, store, env } = world);
    dir = mkdtempSync(join(tmpdir(), 'csdl-loaded-'));
  });

  after(async function () {
    await world?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function sync(extra: Record<string, string> = {}): Promise<{ exit: CliExit; summary: SyncSummary | undefined; packages: string[] }> {
    const file = join(dir, `loaded-${Date.now()}.json`);
    const preload = pathToFileURL(join(paths.root, 'test', 'setup', 'loaded-packages.mjs')).href;
    const exit = await startCli(['sync', '--json'], { ...env, ...extra, NODE_OPTIONS: `--import ${preload}`, LOADED_PACKAGES_FILE: file }).exit;
    const last = exit.stdout.trim().split('\n').pop();
    return {
      exit,
      summary: last ? (JSON.parse(last) as SyncSummary) : undefined,
      packages: JSON.parse(readFileSync(file, 'utf8')) as string[],
    };
  }

  const packets = async (): Promise<number> =>
    (await store.db.query<{ n: number }>('SELECT count(*)::int AS n FROM csdl_gateway.packets')).rows[0]!.n;

  it('the first sync reads the key, signs and sends (and loads node-forge to read it)', async function () {
    const { exit, summary, packages } = await sync();
    expect(exit.code, exit.stderr).to.equal(0);
    expect(summary).to.include({ accepted: 9, packetsSent: 1 });
    expect(packages).to.include('node-forge');
  });

  it('with nothing due, a wrong passphrase goes unnoticed: no key read, no winston, node-forge or cli-progress loaded', async function () {
    const { exit, summary, packages } = await sync({ SIGNING_KEY_PASSPHRASE: 'not-the-passphrase' });
    expect(exit.code, exit.stderr).to.equal(0);
    expect(summary).to.include({ due: 0, queued: 0, packetsBuilt: 0 });
    expect(packages).to.include('pg');
    expect(packages).not.to.include.members(['winston']);
    expect(packages).not.to.include.members(['node-forge']);
    expect(packages).not.to.include.members(['cli-progress']);
  });

  it('with someone due, a wrong passphrase stops the run before any packet is stored; the person stays due', async function () {
    await source.db.query(`UPDATE qlcb.can_bo SET noi_o_hien_nay = 'Số 5, phường Liên Bảo' WHERE id = 1`);
    await source.db.query(`INSERT INTO qlcb.phe_duyet (can_bo_id, trang_thai, nguoi_duyet, don_vi_duyet_id, thoi_diem_duyet) VALUES (1, 'DA_DUYET', 'Trần Văn Bình', 2, '2026-11-20 09:00+07')`);
    const before = await packets();
    const refused = await sync({ SIGNING_KEY_PASSPHRASE: 'not-the-passphrase' });
    expect(refused.exit.code, refused.exit.stderr + refused.exit.stdout).to.equal(1);
    expect(refused.exit.stderr).to.include('signing.bad_passphrase');
    expect(await packets()).to.equal(before);
    const again = await sync();
    expect(again.exit.code, again.exit.stderr).to.equal(0);
    expect(again.summary).to.include({ due: 1, queued: 1, packetsSent: 1, accepted: 1 });
  });
});
