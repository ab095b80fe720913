import { expect } from 'chai';
import type { CliIo } from '../../src/cli/command.js';
import { createTokensCommand } from '../../src/cli/commands/tokens-command.js';
import { runCli } from '../../src/cli/run-cli.js';
import { migrate } from '../../src/db/migrate.js';
import { createTokenService } from '../../src/tokens/token-service.js';
import { createTokenStore } from '../../src/tokens/token-store.js';
import { freshDatabase, type TestDatabase } from '../setup/databases.js';

describe('tokens command (pglite)', function () {
  this.timeout(60_000);
  let t: TestDatabase;

  before(async function () {
    t = await freshDatabase('pglite');
    await migrate(t.db);
  });
  after(async function () {
    await t?.drop();
  });

  async function tokens(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), isTty: false };
    const command = createTokensCommand({ openStore: async () => ({ db: t.db, close: async () => undefined }) });
    return { code: await runCli(['tokens', ...args], [command], io), out, err };
  }

  it('create prints the token alone on the last line; it authenticates as the name and role', async function () {
    const run = await tokens(['create', '--role', 'auditor', '--name', 'kiem-toan', '--expires-days', '30']);
    expect(run.code).to.equal(0);
    const token = run.out.at(-1)!;
    expect(token).to.match(/^csdlgw_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(run.out.slice(0, -1).join('\n')).not.to.contain(token);
    const actor = await createTokenService(createTokenStore(t.db)).authenticate(token);
    expect(actor).to.deep.equal({ kind: 'token', name: 'kiem-toan', role: 'auditor' });
  });

  it('list shows names, roles and states, never a secret; --json too', async function () {
    const created = (await tokens(['create', '--role', 'operator', '--name', 'van-hanh'])).out.at(-1)!;
    const table = await tokens(['list']);
    expect(table.out[0]).to.match(/^name +role +state +created +expires +last used$/);
    expect(table.out.join('\n')).to.contain('van-hanh').and.not.contain(created.slice(24));
    const json = JSON.parse((await tokens(['list', '--json'])).out.join('\n'));
    expect(json.map((x: { name: string; state: string }) => [x.name, x.state])).to.deep.equal([['kiem-toan', 'active'], ['van-hanh', 'active']]);
    expect(JSON.stringify(json)).not.to.contain('csdlgw_');
  });

  it('revoke refuses the token from then on; a second revoke and a taken name exit 1 with their codes', async function () {
    expect((await tokens(['revoke', 'van-hanh'])).code).to.equal(0);
    const json = JSON.parse((await tokens(['list', '--json'])).out.join('\n'));
    expect(json.find((x: { name: string }) => x.name === 'van-hanh').state).to.equal('revoked');
    const again = await tokens(['revoke', 'van-hanh']);
    expect([again.code, again.err[0]]).to.deep.equal([1, "csdl-gateway tokens: tokens.not_found: no active token named 'van-hanh'"]);
    expect((await tokens(['create', '--role', 'operator', '--name', 'van-hanh'])).err[0]).to.contain('tokens.name_taken');
  });

  it('bad usage exits 2', async function () {
    for (const args of [[], ['create', '--name', 'x'], ['create', '--role', 'root', '--name', 'x'], ['create', '--role', 'auditor'], ['create', '--role', 'auditor', '--name', 'y', '--expires-days', '0'], ['revoke'], ['drop']]) {
      expect((await tokens(args)).code, args.join(' ')).to.equal(2);
    }
  });
});
