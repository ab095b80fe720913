import { expect } from 'chai';
import { runClients } from '../../src/cli/commands/clients-command.js';
import type { CliIo } from '../../src/cli/command.js';
import { migrate } from '../../src/db/migrate.js';
import { hashSecret } from '../../src/share/client-credentials.js';
import { assertCliBuilt, startCli } from '../setup/cli-process.js';
import { freshDatabase, type TestDatabase } from '../setup/databases.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- --json output is known JSON */
/**
 * `csdl-gateway clients`: the subcommands over a real store (in process), and the command as
 * a user runs it (a child process): the secret alone on the last line, exit 2 on bad usage.
 */
describe('share: clients command', function () {
  this.timeout(60_000);
  let t: TestDatabase;
  const NOW = new Date('2026-12-03T08:00:00Z');

  before(async function () {
    t = await freshDatabase('postgres');
    await migrate(t.db);
  });
  after(async function () {
    await t?.drop();
  });

  function io(): CliIo & { lines: string[] } {
    const lines: string[] = [];
    return { lines, out: (l) => lines.push(l), err: (l) => lines.push(`ERR ${l}`), isTty: false };
  }
  const run = async (...argv: string[]) => {
    const o = io();
    const code = await runClients(argv, o, t.db, NOW);
    return { code, lines: o.lines };
  };
  const usage = async (...argv: string[]) => {
    const err = await runClients(argv, io(), t.db, NOW).then(() => undefined, (e: unknown) => e);
    expect(err, argv.join(' ')).to.have.property('code', 'cli.usage');
  };

  it('add prints the secret once, alone on the last line, and keeps only its hash', async function () {
    const r = await run('add', '000.00.00.G12', '--name', 'Tổng cục Thuế');
    expect(r.code).to.equal(0);
    const secret = r.lines.at(-1)!;
    expect(secret).to.match(/^[A-Za-z0-9_-]{43}$/);
    const row = await t.db.query<{ secret_hash: string }>('SELECT secret_hash FROM csdl_gateway.share_clients WHERE agency_code = $1', ['000.00.00.G12']);
    expect(row.rows[0]!.secret_hash).to.equal(hashSecret(secret));
    const dump = await t.db.query("SELECT 1 FROM csdl_gateway.share_clients WHERE row_to_json(share_clients)::text LIKE '%' || $1 || '%'", [secret]);
    expect(dump.rowCount).to.equal(0);
    const again = await runClients(['add', '000.00.00.G12', '--name', 'x'], io(), t.db).catch((e: unknown) => e);
    expect(again).to.have.property('code', 'share.client_exists');
  });

  it('grant records every dimension, to the end of the day in Vietnam', async function () {
    const r = await run('grant', '000.00.00.G12', '--routes', 'officials,units', '--units', '000.00.00.H62,000.00.07.H62',
      '--fields', 'basic,salary', '--purposes', 'thue.quyet-toan', '--until', '2027-12-31', '--rate', '20/s');
    expect(r.code).to.equal(0);
    const list = await run('list', '--json');
    const [client] = JSON.parse(list.lines.join('\n')) as any[];
    expect(client.grants[0]).to.include({ ratePerSecond: 20, expiresAt: '2027-12-31T16:59:59.999Z' });
    expect(client.grants[0].routes).to.deep.equal(['officials', 'units']);
    expect(client.grants[0].units).to.deep.equal(['000.00.00.H62', '000.00.07.H62']);
    expect(client.grants[0].fieldGroups).to.deep.equal(['basic', 'salary']);
    expect(client.grants[0].purposes).to.deep.equal(['thue.quyet-toan']);
    expect((await run('list')).lines.join('\n')).to.contain('officials,units | units 000.00.00.H62,000.00.07.H62 | basic,salary');
  });

  it('refuses bad usage (exit 2): codes, routes, fields, dates, rates, missing options', async function () {
    const good = ['--routes', 'officials', '--units', '000.00.00.H62', '--fields', 'basic', '--purposes', 'p', '--until', '2027-01-01', '--rate', '5/s'];
    const with_ = (k: string, v: string) => { const a = [...good]; a[a.indexOf(k) + 1] = v; return a; };
    await usage('add', '12.34', '--name', 'x');
    await usage('add', '000.00.00.G30');
    await usage('grant', '000.00.00.G12', ...with_('--routes', 'officials,export'));
    await usage('grant', '000.00.00.G12', ...with_('--fields', 'basic,secret'));
    await usage('grant', '000.00.00.G12', ...with_('--units', '000.00.00.H6'));
    await usage('grant', '000.00.00.G12', ...with_('--until', '2027-02-30'));
    await usage('grant', '000.00.00.G12', ...with_('--until', '2026-12-02'));
    await usage('grant', '000.00.00.G12', ...with_('--rate', '5'));
    await usage('grant', '000.00.00.G12', ...good.slice(2));
    await usage('frobnicate');
  });

  it('revoke a grant, then the client; a second revoke says there was nothing in force', async function () {
    const listed = JSON.parse((await run('list', '--json')).lines.join('\n')) as any[];
    const grantId = listed[0].grants[0].id as string;
    expect((await run('revoke', '000.00.00.G12', '--grant', grantId)).code).to.equal(0);
    expect((await run('revoke', '000.00.00.G12')).code).to.equal(0);
    const after = JSON.parse((await run('list', '--json')).lines.join('\n')) as any[];
    expect(after[0].revokedAt).to.be.a('string');
    expect(after[0].grants[0].revokedAt).to.be.a('string');
    const again = await runClients(['revoke', '000.00.00.G12'], io(), t.db).catch((e: unknown) => e);
    expect(again).to.have.property('code', 'share.nothing_to_revoke');
  });

  it('as a user runs it: the secret is the last line of stdout; bad usage exits 2', async function () {
    assertCliBuilt();
    const env = { DATABASE_URL: t.url, SOURCE_DATABASE_URL: t.url };
    const added = await startCli(['clients', 'add', '000.00.00.G40', '--name', 'BHXH tỉnh'], env).exit;
    expect(added.code, added.stderr).to.equal(0);
    const lines = added.stdout.trimEnd().split('\n');
    expect(lines.at(-1)).to.match(/^[A-Za-z0-9_-]{43}$/);
    const bad = await startCli(['clients', 'grant', '000.00.00.G40', '--rate', 'fast'], env).exit;
    expect(bad.code).to.equal(2);
  });
});
