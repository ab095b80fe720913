import { expect } from 'chai';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';

/**
 * The lint that keeps the arrows pointing one way fails on an upward import and on a cycle:
 * a file placed (in memory only) in a capability's folder is linted by the repository's own
 * configuration, as `npm run lint` lints the real ones.
 */
describe('lint: import boundaries', function () {
  this.timeout(120_000);
  const cwd = fileURLToPath(new URL('../..', import.meta.url));
  const eslint = new ESLint({ cwd });

  async function ruleIds(filePath: string, code: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath });
    return (result?.messages ?? []).map((m) => `${m.ruleId}: ${m.message}`);
  }

  it('refuses a capability importing cli, compose, app or the simulator', async function () {
    for (const from of ['../cli/command.js', '../compose/sync-edges.js', '../app/start-steps.js', '../simulator/token-store.js']) {
      const messages = await ruleIds('src/ops/upward-fixture.ts', `import * as upward from '${from}';\nexport const x = upward;\n`);
      expect(messages.join('\n'), from).to.match(/import-x\/no-restricted-paths/);
    }
  });

  it('refuses db importing a capability, and tokens importing http', async function () {
    expect((await ruleIds('src/db/upward-fixture.ts', "import * as up from '../ops/ops-types.js';\nexport const x = up;\n")).join('\n')).to.match(/no-restricted-paths/);
    expect((await ruleIds('src/tokens/upward-fixture.ts', "import * as up from '../http/openapi.js';\nexport const x = up;\n")).join('\n')).to.match(/no-restricted-paths/);
  });

  it('refuses the mapping importing source, a type import too', async function () {
    for (const line of ["import { readReference } from '../source/person-reader.js';\nexport const x = readReference;\n",
      "import type { PersonFilter } from '../source/person-reader.js';\nexport type X = PersonFilter;\n"]) {
      expect((await ruleIds('src/mapping/upward-fixture.ts', line)).join('\n'), line).to.match(/no-restricted-paths/);
    }
    expect(await ruleIds('src/source/fixture.ts', "import type { RawPerson } from '../mapping/raw-person.js';\nexport type X = RawPerson;\n")).to.deep.equal([]);
  });

  it('lets compose import a capability and cli import compose', async function () {
    expect(await ruleIds('src/compose/fixture.ts', "import * as ops from '../ops/ops-types.js';\nexport const x = ops;\n")).to.deep.equal([]);
    expect(await ruleIds('src/cli/fixture.ts', "import * as c from '../compose/sync-edges.js';\nexport const x = c;\n")).to.deep.equal([]);
  });

  it('refuses an import that closes a cycle', async function () {
    // ops-actions-error.ts imports GatewayError from errors.ts; the fixture stands in for
    // errors.ts and imports it back.
    const messages = await ruleIds('src/errors.ts', "import { OpsActionError } from './ops/ops-actions-error.js';\nexport const x = OpsActionError;\n");
    expect(messages.join('\n')).to.match(/import-x\/no-cycle/);
  });
});
