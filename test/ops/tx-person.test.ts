import { expect } from 'chai';
import type { CliIo } from '../../src/cli/command.js';
import { createTxCommand } from '../../src/cli/commands/tx-command.js';
import { runCli } from '../../src/cli/run-cli.js';
import type { Mapping } from '../../src/mapping/mapping-types.js';
import { memoryAuditLog, type MemoryAuditLog } from '../setup/memory-audit-log.js';
import { startSyncWorld, type SyncWorld } from '../sync/sync-harness.js';

/**
 * `tx person` explains refused people on both vendors' databases (real PostgreSQL, real
 * syncs against the simulator): looked up by số định danh, by the legacy CMND through the
 * mapping's declared column, or by the vendor's person id; each refusal with the national
 * field, the value read live from the vendor database, the rule in words and what to change,
 * in Vietnamese and English; one audit entry naming the operator and the people.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- CLI output is known JSON */
interface Run { code: number; out: string; err: string }

function txOver(w: SyncWorld, audit: MemoryAuditLog, mapping: Mapping = w.mapping) {
  return async (args: string[]): Promise<Run> => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), isTty: false };
    const command = createTxCommand({
      openStore: async () => ({ db: w.store.db, close: async () => undefined }),
      openAudit: async () => ({ append: (e) => audit.append(e), close: async () => undefined }),
      user: () => 'lan.nguyen',
      openSource: async () => ({ db: w.source.db, close: async () => undefined }),
      mapping: () => mapping,
    });
    const code = await runCli(['tx', ...args], [command], io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
}

describe('tx person explains refused people (postgres)', function () {
  this.timeout(120_000);

  describe('qlcb', function () {
    let w: SyncWorld;
    const audit = memoryAuditLog();
    let tx: ReturnType<typeof txOver>;

    before(async function () {
      w = await startSyncWorld({ storeBackend: 'postgres' });
      // Sample person 10 still has a 9-digit CMND in so_cccd; approving them makes the sync refuse them.
      await w.approveAgain(10);
      await w.service().service.run();
      tx = txOver(w, audit);
    });
    after(async function () {
      await w?.close();
    });

    it('by CMND: found through so_cccd, the field, the stored value, the rule and the fix in both languages, audited', async function () {
      const mark = audit.entries.length;
      const run = await tx(['person', '151 234 567', '--json']);
      expect(run.code, run.err).to.equal(0);
      const e = JSON.parse(run.out);
      expect(e.lookup).to.deep.equal({ by: 'cmnd', value: '151234567' });
      expect(e.people).to.have.length(1);
      const [p] = e.people;
      expect(p.vendorId).to.equal('10');
      expect(p.versions.at(-1).state).to.equal('invalid');
      const r = p.refusals.find((x: any) => x.path === '/soDinhDanh');
      expect(r).to.deep.include({ code: 'SCHEMA_INVALID', ruleKey: 'SCHEMA_INVALID pattern ^[0-9]{12}$' });
      expect(r.stored).to.deep.equal([{ column: 'qlcb.can_bo.so_cccd', value: '151234567' }]);
      expect(r.rule.vi).to.contain('12 chữ số');
      expect(r.fix.en).to.contain('qlcb.can_bo.so_cccd');
      expect(audit.since(mark)).to.deep.equal([{
        actor: { kind: 'cli', name: 'lan.nguyen' }, action: 'ops.person.explain', outcome: 'ok', people: ['151234567'],
      }]);
    });

    it('the value shown is read live: a change in the vendor database shows at once', async function () {
      await w.source.db.query("UPDATE qlcb.can_bo SET so_cccd = '151 234 567' WHERE id = 10");
      const e = JSON.parse((await tx(['person', '151234567', '--json'])).out);
      expect(e.people[0].refusals.find((x: any) => x.path === '/soDinhDanh').stored[0].value).to.equal('151 234 567');
      await w.source.db.query("UPDATE qlcb.can_bo SET so_cccd = '151234567' WHERE id = 10");
    });

    it('by vendor id, as a table: person 12 refused for the salary coefficient, with the stored 3.3', async function () {
      const run = await tx(['person', '--vendor-id', '12']);
      expect(run.code, run.err).to.equal(0);
      expect(run.out).to.contain('vendor id 12');
      expect(run.out).to.contain('Why refused / Lý do bị từ chối:');
      expect(run.out).to.match(/field {3}\/luong\/heSo/);
      expect(run.out).to.match(/stored {2}qlcb\.can_bo\.he_so_luong = 3\.3\b/);
      expect(run.out).to.contain('bảng lương');
      expect(run.out).to.contain('salary table');
    });

    it('by số định danh: an accepted person shows no refusal', async function () {
      const e = JSON.parse((await tx(['person', '026185001234', '--json'])).out);
      expect(e.lookup.by).to.equal('soDinhDanh');
      expect(e.people[0].versions.at(-1).state).to.equal('accepted');
      expect(e.people[0].refusals).to.deep.equal([]);
    });

    it('a CMND nobody holds, and an unknown vendor id: ops.person_not_found, exit 1, audited as refused', async function () {
      const mark = audit.entries.length;
      const none = await tx(['person', '999888777']);
      expect(none.code).to.equal(1);
      expect(none.err).to.contain('ops.person_not_found');
      expect((await tx(['person', '--vendor-id', '987654'])).code).to.equal(1);
      expect(audit.since(mark).map((a) => [a.action, a.outcome, a.code])).to.deep.equal([
        ['ops.person.explain', 'refused', 'ops.person_not_found'], ['ops.person.explain', 'refused', 'ops.person_not_found'],
      ]);
    });

    it('a mapping that declares no CMND column says so, with its code', async function () {
      const bare: Mapping = { ...w.mapping, source: { ...w.mapping.source, persons: { ...w.mapping.source.persons, cmnd: undefined } } };
      const run = await txOver(w, audit, bare)(['person', '151234567']);
      expect(run.code).to.equal(1);
      expect(run.err).to.contain('ops.cmnd_not_declared');
      expect(run.err).to.contain('source.persons.cmnd');
    });

    it('bad usage exits 2: neither 12 nor 9 digits, or two ways at once', async function () {
      expect((await tx(['person', '1234'])).code).to.equal(2);
      expect((await tx(['person', '151234567', '--vendor-id', '10'])).code).to.equal(2);
    });
  });

  describe('nhansu', function () {
    let w: SyncWorld;
    let empId: string;
    const audit = memoryAuditLog();

    before(async function () {
      w = await startSyncWorld({ storeBackend: 'postgres', vendor: 'nhansu', people: 12 });
      empId = (await w.source.db.query<{ id: string }>('SELECT min(emp_id)::text AS id FROM nhansu.employee WHERE NOT is_deleted')).rows[0]!.id;
      // A legacy CMND typed as on the old card, in the CCCD's place.
      await w.source.db.query("UPDATE nhansu.employee SET citizen_id = '151.234.568' WHERE emp_id = $1", [empId]);
      await w.approveAgain(Number(empId));
      await w.service().service.run();
    });
    after(async function () {
      await w?.close();
    });

    it('by CMND through citizen_id, compared on its digits; the value as the clerk typed it', async function () {
      const run = await txOver(w, audit)(['person', '151234568', '--json']);
      expect(run.code, run.err).to.equal(0);
      const [p] = JSON.parse(run.out).people;
      expect(p.vendorId).to.equal(empId);
      const r = p.refusals.find((x: any) => x.path === '/soDinhDanh');
      expect(r.ruleKey).to.equal('SCHEMA_INVALID pattern ^[0-9]{12}$');
      expect(r.stored).to.deep.equal([{ column: 'nhansu.employee.citizen_id', value: '151.234.568' }]);
      expect(r.fix.vi).to.contain('nhansu.employee.citizen_id');
      expect(audit.entries.at(-1)).to.deep.include({ action: 'ops.person.explain', people: ['151234568'] });
    });
  });
});
