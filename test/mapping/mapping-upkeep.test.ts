import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { mappingCommand } from '../../src/cli/commands/mapping-command.js';
import type { CliIo } from '../../src/cli/command.js';
import { composeSync } from '../../src/compose/sync-compose.js';
import { loadConfig } from '../../src/config/config.js';
import { loadEffectiveMapping, readOverlay, writeOverlay } from '../../src/mapping/mapping-loader.js';
import { withSynonym } from '../../src/mapping/mapping-overlay.js';
import type { Gap } from '../../src/mapping-gaps/gaps-service.js';
import { BACKENDS, type TestDatabase } from '../setup/databases.js';
import { quietLogger, startSyncWorld, type SyncWorld } from '../sync/sync-harness.js';

/**
 * Mapping upkeep end to end: a provincial database whose people carry spellings the shipped
 * mapping does not know; `mapping gaps --json` lists them with their counts; `mapping synonym
 * add` fixes each in the overlay; the next sync sends exactly the people it had refused, once,
 * with no new approval; the one after sends nothing.
 * Sample facts (contract/provincial/sample.sql): persons 1-9 and 12 are approved, 12 fails
 * pre-validation (SALARY_MISMATCH), 10 and 11 are not approved.
 */
const UNKNOWN = [
  { list: 'ly-luan-chinh-tri', value: 'Trung cấp LLCT (2019)', code: 'TC', people: ['1', '11', '2'] },
  { list: 'ton-giao', value: 'Phật giáo Hoà Hảo (PGHH)', code: '05', people: ['3'] },
  { list: 'xep-loai', value: 'HT xuất sắc nhiệm vụ', code: 'HTXSNV', people: ['4'] },
];

function capture(): { io: CliIo; out: string[] } {
  const out: string[] = [];
  return { io: { out: (l) => out.push(l), err: (l) => out.push(l), isTty: false }, out };
}

async function count(w: SyncWorld, sql: string): Promise<number> {
  const res = await w.store.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`);
  return res.rows[0]?.n ?? 0;
}

for (const backend of BACKENDS) {
  describe(`mapping upkeep end to end (store on ${backend})`, function () {
    this.timeout(90_000);
    let w: SyncWorld;
    let dir: string;
    let overlayFile: string;
    const saved = process.env.MAPPING_OVERLAY_FILE;

    before(async function () {
      w = await startSyncWorld({ storeBackend: backend });
      dir = mkdtempSync(join(tmpdir(), 'mapping-upkeep-'));
      overlayFile = join(dir, 'mapping-overlay.json');
      process.env.MAPPING_OVERLAY_FILE = overlayFile;
      const q = w.source.db;
      await q.query(`UPDATE qlcb.can_bo SET ly_luan_chinh_tri = $1 WHERE id IN (1, 2, 11)`, [UNKNOWN[0]!.value]);
      await q.query(`UPDATE qlcb.can_bo SET ton_giao = $1 WHERE id = 3`, [UNKNOWN[1]!.value]);
      await q.query(`INSERT INTO qlcb.danh_gia (can_bo_id, nam, xep_loai) VALUES (4, 2024, $1)`, [UNKNOWN[2]!.value]);
    });
    after(async function () {
      if (saved === undefined) delete process.env.MAPPING_OVERLAY_FILE;
      else process.env.MAPPING_OVERLAY_FILE = saved;
      await w?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('a sync refuses the people with unknown spellings and sends the others', async function () {
      const summary = await w.service().service.run();
      expect(summary).to.include({ due: 10, accepted: 5, invalid: 5 });
      const refused = await w.store.db.query<{ vendor_id: string; codes: string[] }>(
        `SELECT vendor_id, array(SELECT e->>'code' FROM jsonb_array_elements(errors) e) AS codes
           FROM csdl_gateway.record_versions WHERE status = 'invalid' ORDER BY vendor_id`,
      );
      expect(refused.rows.map((r) => [r.vendor_id, r.codes.includes('mapping.code_unknown')])).to.deep.equal([
        ['1', true], ['12', false], ['2', true], ['3', true], ['4', true],
      ]);
    });

    it('mapping gaps --json lists every unknown value of the whole database, with its people and suggestions', async function () {
      const { io, out } = capture();
      expect(await mappingCommand.run(['gaps', '--json', '--database', w.source.url], io)).to.equal(0);
      const gaps = JSON.parse(out.join('\n')) as Gap[];
      expect(gaps.map((g) => Object.keys(g))).to.deep.equal(gaps.map(() => ['list', 'source', 'value', 'people', 'examples', 'suggestions']));
      expect(gaps.map((g) => [g.list, g.value, g.people, [...g.examples].sort(), g.suggestions[0]?.code])).to.deep.equal(
        UNKNOWN.map((u) => [u.list, u.value, u.people.length, u.people, u.code]),
      );
      expect(gaps.map((g) => g.source)).to.deep.equal(['qlcb.can_bo.ly_luan_chinh_tri', 'qlcb.can_bo.ton_giao', 'qlcb.danh_gia.xep_loai']);
    });

    it('mapping synonym add fixes each in the overlay; the next sync sends exactly those people, once, with no new approval', async function () {
      for (const u of UNKNOWN) {
        const { io } = capture();
        expect(await mappingCommand.run(['synonym', 'add', u.list, u.value, u.code], io)).to.equal(0);
      }
      const { io, out } = capture();
      expect(await mappingCommand.run(['gaps', '--json', '--database', w.source.url], io)).to.equal(0);
      expect(JSON.parse(out.join('\n'))).to.deep.equal([]);

      const approvals = await w.source.db.query<{ n: number }>('SELECT count(*)::int AS n FROM qlcb.phe_duyet');
      const mapping = loadEffectiveMapping({ mappingFile: 'mappings/qlcb', mappingOverlayFile: overlayFile });
      expect(mapping.fingerprint).to.not.equal(w.mapping.fingerprint);
      const before = (await w.ledger()).acceptances.total as number;
      const summary = await w.service({ mapping }).service.run();
      // The four refused for a spelling go; 12 is mapped again too, and is still invalid.
      expect(summary).to.include({ due: 5, queued: 4, accepted: 4, invalid: 1, rejected: 0 });
      const ledger = await w.ledger();
      expect(ledger.acceptances.total - before).to.equal(4);
      expect(ledger.acceptances.repeated).to.deep.equal([]);
      const rows = await w.store.db.query<{ vendor_id: string; status: string; fingerprint: string }>(
        `SELECT vendor_id, status, mapping_fingerprint AS fingerprint FROM csdl_gateway.record_versions WHERE vendor_id IN ('1', '2', '3', '4') ORDER BY vendor_id`,
      );
      expect(rows.rows.map((r) => [r.vendor_id, r.status, r.fingerprint])).to.deep.equal(
        ['1', '2', '3', '4'].map((id) => [id, 'accepted', mapping.fingerprint]),
      );
      expect((await w.source.db.query<{ n: number }>('SELECT count(*)::int AS n FROM qlcb.phe_duyet')).rows[0]?.n).to.equal(approvals.rows[0]?.n);

      const again = await w.service({ mapping }).service.run();
      expect(again).to.include({ due: 0, packetsBuilt: 0, accepted: 0 });
      expect((await w.ledger()).acceptances.total).to.equal(ledger.acceptances.total);
      expect(await count(w, "csdl_gateway.record_versions WHERE vendor_id = '12'")).to.equal(1);
    });
  });
}

describe('mapping upkeep: a running gateway reads the overlay again before each sync', function () {
  this.timeout(60_000);
  let w: SyncWorld;
  let dir: string;

  before(async function () {
    w = await startSyncWorld({ storeBackend: 'postgres' });
    dir = mkdtempSync(join(tmpdir(), 'mapping-reload-'));
    await w.source.db.query(`UPDATE qlcb.can_bo SET ly_luan_chinh_tri = 'TC chính trị khóa 2019' WHERE id = 1`);
  });
  after(async function () {
    await w?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a synonym added while the service lives is used by its next run', async function () {
    const overlayFile = join(dir, 'mapping-overlay.json');
    const config = loadConfig({ DATA_DIR: dir, MAPPING_OVERLAY_FILE: overlayFile, MAPPING_THREADS: '0' });
    const opened = (t: TestDatabase) => ({ db: t.db, url: t.url, embedded: false, close: async () => undefined });
    const service = composeSync(config, { store: opened(w.store), source: opened(w.source), signer: w.sim.signer, national: undefined, logger: quietLogger() });
    expect(await service.run({ dryRun: true })).to.include({ due: 10, invalid: 2 });
    const mapping = loadEffectiveMapping(config);
    const added = withSynonym(readOverlay(overlayFile), mapping.matcher('ly-luan-chinh-tri'), 'ly-luan-chinh-tri', 'TC chính trị khóa 2019', 'TC');
    if (!added.added) throw new Error('the synonym was known already');
    writeOverlay(overlayFile, added.overlay);
    expect(await service.run({ dryRun: true })).to.include({ due: 10, invalid: 1 });
  });
});
