import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { createAuditLog } from '../../src/audit/audit-log.js';
import { listEntries } from '../../src/audit/audit-store.js';
import type { CliIo } from '../../src/cli/command.js';
import { createAuditCommand } from '../../src/cli/commands/audit-command.js';
import { runCli } from '../../src/cli/run-cli.js';
import { assertCliBuilt, startCli } from '../setup/cli-process.js';
import { BACKENDS, type TestDatabase } from '../setup/databases.js';
import { exportPkcs12, makeCa, makeLeaf, openssl, PROVINCE, TempDir } from '../signing/pki-fixture.js';
import { auditPki, migratedStore, person, shareRead } from './audit-fixture.js';

function captureIo(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, isTty: false, out: (l) => lines.push(l), err: (l) => errors.push(l) };
}

for (const backend of BACKENDS) {
  describe(`cli: csdl-gateway audit on ${backend}`, function () {
    this.timeout(60_000);
    const pki = auditPki();
    const dir = new TempDir();
    let t: TestDatabase;
    let opens = 0;
    const command = () => createAuditCommand({
      openStore: async () => {
        opens += 1;
        return { db: t.db, close: async () => undefined };
      },
      openTrust: async () => ({ signer: pki.signer, trust: pki.trust }),
      user: () => 'tester',
    });
    const run = async (...args: string[]) => {
      const io = captureIo();
      const code = await runCli(['audit', ...args], [command()], io);
      return { code, out: io.lines.join('\n'), err: io.errors.join('\n') };
    };

    before(async function () {
      t = await migratedStore(backend);
      const log = createAuditLog(t.db, { signer: pki.signer, checkpointEvery: 10 });
      await Promise.all(Array.from({ length: 15 }, (_, i) => log.append(shareRead(i))));
      await log.close();
    });
    after(async function () {
      dir.remove();
      await t?.drop();
    });

    it('verify exits 0 on an intact log, in words and in JSON', async function () {
      const plain = await run('verify');
      expect(plain.code, plain.err).to.equal(0);
      expect(plain.out).to.match(/^audit log intact: 15 entries, 1 signed checkpoints checked/);
      const json = await run('verify', '--json');
      expect(JSON.parse(json.out)).to.include({ ok: true, entries: 15 });
    });

    it('checkpoint --out writes a file that verify takes and openssl cms -verify accepts', async function () {
      const file = dir.file('checkpoint.json');
      const made = await run('checkpoint', '--out', file);
      expect(made.code, made.err).to.equal(0);
      const exported = JSON.parse(readFileSync(file, 'utf8')) as { count: number; payload: string; signature: string };
      expect(exported.count).to.equal(15);
      expect((await run('verify', '--checkpoint', file)).code).to.equal(0);

      const payload = dir.file('checkpoint.payload', Buffer.from(exported.payload, 'base64'));
      const signature = dir.file('checkpoint.p7s', Buffer.from(exported.signature, 'base64'));
      const ca = dir.file('ca.pem', pki.certificatePem);
      const checked = openssl(['cms', '-verify', '-binary', '-inform', 'DER', '-in', signature, '-content', payload, '-CAfile', ca, '-purpose', 'any', '-out', '/dev/null']);
      expect(checked.status, checked.stderr).to.equal(0);
    });

    it('list --json gives entries newest first with the filters, and the read is audited', async function () {
      const listed = await run('list', '--json', '--actor', '000.00.00.G12', '--limit', '3');
      expect(listed.code, listed.err).to.equal(0);
      const entries = JSON.parse(listed.out) as { seq: number; actor: { name: string } }[];
      expect(entries.map((e) => e.seq)).to.deep.equal([15, 13, 11]);
      const [own] = await listEntries(t.db, { limit: 1 });
      expect(own).to.include({ action: 'audit.list', actorKind: 'cli', actorName: 'tester' });
      const table = await run('list', '--person', person(4));
      expect(table.out.split('\n')[0]).to.match(/^SEQ +AT \(UTC\) +ACTOR/);
      expect(table.out).to.include('client:000.00.00.G12');
    });

    it('person --format csv and html give the access report and append an entry', async function () {
      const csv = await run('person', person(4), '--format', 'csv');
      expect(csv.code, csv.err).to.equal(0);
      const rows = csv.out.split('\r\n');
      expect(rows[0]).to.match(/^at,actor_kind,actor_name,action,field_groups,purpose/);
      expect(rows[1]).to.include(',client,000.00.00.G12,share.official.read,basic employment,');
      const html = await run('person', person(4), '--format', 'html', '--since', '2020-01-01');
      expect(html.out).to.include('<h1>Báo cáo truy cập dữ liệu cá nhân</h1>');
      expect(html.out).to.include('Cán bộ quản trị trên máy chủ cổng kết nối (tester)');
      const [own] = await listEntries(t.db, { limit: 1 });
      expect(own).to.include({ action: 'audit.person.access', actorKind: 'cli' });
      expect(own!.people).to.deep.equal([person(4)]);
    });

    it('refuses bad usage with exit 2, before opening the store', async function () {
      opens = 0;
      expect((await run('person', '12345')).code).to.equal(2);
      expect((await run('verify', '--frobnicate')).code).to.equal(2);
      expect((await run('toString')).code).to.equal(2);
      expect((await run('person', person(1), '--format', 'pdf')).code).to.equal(2);
      expect((await run('list', '--limit', 'lots')).code).to.equal(2);
      expect((await run('frobnicate')).code).to.equal(2);
      expect((await run()).code).to.equal(2);
      expect(opens).to.equal(0);
    });

    it('verify exits 1 naming the first bad entry once a DBA edited one', async function () {
      await t.db.transaction(async (tx) => {
        await tx.query('SET LOCAL session_replication_role = replica');
        await tx.query("UPDATE csdl_gateway.audit_log SET purpose = 'khác' WHERE seq = 6");
      });
      const broken = await run('verify');
      expect(broken.code).to.equal(1);
      expect(broken.err).to.match(/NOT intact \(edited at entry 6\)/);
      const forged = dir.file('forged.json', JSON.stringify({ payload: Buffer.from('{}').toString('base64'), signature: 'AAAA' }));
      const bad = await run('verify', '--checkpoint', forged, '--json');
      expect(bad.code).to.equal(1);
      expect(JSON.parse(bad.out).problem.kind).to.equal('checkpoint_invalid');
    });
  });
}

describe('cli: csdl-gateway audit as a process (built), with the configured key and store', function () {
  this.timeout(90_000);
  const dir = new TempDir();
  let t: TestDatabase;
  after(async function () {
    dir.remove();
    await t?.drop();
  });

  it('checkpoint --out, then verify --checkpoint exits 0', async function () {
    assertCliBuilt();
    t = await migratedStore('postgres');
    const ca = makeCa('Process CA', 12);
    const p12 = exportPkcs12(dir, 'province', makeLeaf(ca, { ou: PROVINCE, keyIndex: 2 }), 'pw');
    const env = {
      DATABASE_URL: t.url, SENDER_CODE: PROVINCE, SIGNING_KEY_FILE: p12, SIGNING_KEY_PASSPHRASE: 'pw',
      TRUST_ANCHORS_FILE: dir.file('anchors.pem', ca.certificate.toString()), DATA_DIR: dir.path, LOG_LEVEL: 'error',
    };
    const file = join(dir.path, 'kept.json');
    const made = await startCli(['audit', 'checkpoint', '--out', file], env).exit;
    expect(made.code, made.stderr).to.equal(0);
    const verified = await startCli(['audit', 'verify', '--checkpoint', file], env).exit;
    expect(verified.code, verified.stderr).to.equal(0);
    expect(verified.stdout).to.include('audit log intact: 0 entries, 2 signed checkpoints checked');
  });
});
