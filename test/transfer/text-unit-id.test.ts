import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadMapping } from '../../src/mapping/mapping-loader.js';
import type { CallContext } from '../../src/transfer/transfer-service.js';
import { startTransferWorld, transferee, type TransferWorld } from './transfer-harness.js';

/**
 * A vendor whose unit ids are text (migration 013): qlcb's people and fields, with a unit tree and
 * a staging table of this test's own whose keys are text ('HN-SNV-05'). The pull stages the
 * record for that unit and the transfer keeps the id as the vendor gave it.
 */
const CLI: CallContext = { actor: { kind: 'cli', name: 'tester' } };

describe('pull for a vendor whose unit ids are text', function () {
  this.timeout(120_000);
  let w: TransferWorld;
  let dir: string;

  before(async function () {
    w = await startTransferWorld('postgres');
    await w.source.db.query(`CREATE SCHEMA textunits;
      CREATE TABLE textunits.unit (unit_key text PRIMARY KEY, agency_code text NOT NULL, name text NOT NULL, parent_key text);
      INSERT INTO textunits.unit VALUES ('HN-UB', '000.00.00.H62', 'UBND tỉnh', NULL), ('HN-SNV-05', '000.00.05.H62', 'Sở Nội vụ', 'HN-UB');
      CREATE TABLE textunits.inbound (id serial PRIMARY KEY, person text NOT NULL, unit_key text NOT NULL, record jsonb NOT NULL, status text NOT NULL)`);
    dir = mkdtempSync(join(tmpdir(), 'csdl-textunits-'));
    cpSync('mappings/qlcb', dir, { recursive: true });
    writeFileSync(join(dir, 'units.json'), JSON.stringify({ units: { table: 'textunits.unit', id: 'unit_key', code: 'agency_code', name: 'name', parent: 'parent_key' } }));
    writeFileSync(join(dir, 'staging.json'), JSON.stringify({ staging: {
      table: 'textunits.inbound', id: 'id', person: 'person', unit: 'unit_key', record: 'record', status: 'status',
      statuses: { waiting: 'W', takenIn: 'T', declined: 'D' }, active: { person: 'so_cccd', where: "trang_thai = 'DANG_LAM'" },
    } }));
  });
  after(async function () {
    await w?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('stages for the unit keyed HN-SNV-05, and the transfer keeps that id; a repeat pull refreshes the row', async function () {
    const service = w.makeService({ mapping: loadMapping(dir) });
    await w.hold(transferee(950));
    const out = await service.pull({ soDinhDanh: '026185000950', receivingUnit: '000.00.05.H62' }, CLI);
    expect(out.transfer).to.deep.include({ status: 'staged', receivingUnitId: 'HN-SNV-05' });
    const rows = (await w.source.db.query('SELECT person, unit_key, status FROM textunits.inbound')).rows;
    expect(rows).to.deep.equal([{ person: '026185000950', unit_key: 'HN-SNV-05', status: 'W' }]);
    const again = await service.pull({ soDinhDanh: '026185000950', receivingUnit: '000.00.05.H62' }, CLI);
    expect([again.staged.refreshed, again.transfer.pulls]).to.deep.equal([true, 2]);
    const [t] = (await w.transfers()).filter((x) => x.so_dinh_danh === '026185000950');
    expect(t.receiving_unit_id).to.equal('HN-SNV-05');
  });
});
