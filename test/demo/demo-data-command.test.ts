import { expect } from 'chai';
import type { CliIo } from '../../src/cli/command.js';
import { demoDataCommand } from '../../src/cli/commands/demo-data-command.js';
import { freshDatabase } from '../setup/databases.js';

function captureIo(): CliIo & { lines: string[]; errors: string[] } {
  const lines: string[] = [];
  const errors: string[] = [];
  return { lines, errors, out: (l) => lines.push(l), err: (l) => errors.push(l), isTty: false };
}

describe('csdl-gateway demo-data', function () {
  this.timeout(120_000);

  it('installs the schema, generates, and prints a summary with the time taken', async function () {
    const t = await freshDatabase('postgres');
    try {
      const io = captureIo();
      const code = await demoDataCommand.run(['--people', '120', '--seed', '3', '--with-sample', '--database', t.url], io);
      expect(code).to.equal(0);
      expect(io.lines[0]).to.include('vendor schema created').and.include('sample loaded');
      expect(io.lines.join('\n')).to.match(/demo-data: 120 people in \d+\.\d s/);
      const res = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM qlcb.can_bo');
      expect(res.rows[0]?.n).to.equal(132);

      const again = captureIo();
      expect(await demoDataCommand.run(['--people', '30', '--database', t.url], again)).to.equal(0);
      expect(again.lines[0]).to.not.include('schema created');
      const after = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM qlcb.can_bo');
      expect(after.rows[0]?.n).to.equal(162);
    } finally {
      await t.drop();
    }
  });

  it('--vendor nhansu installs the nhansu schema and fills it; an unknown vendor or its sample is a usage error', async function () {
    const t = await freshDatabase('postgres');
    try {
      const io = captureIo();
      expect(await demoDataCommand.run(['--people', '60', '--vendor', 'nhansu', '--database', t.url], io)).to.equal(0);
      expect(io.lines[0]).to.include('demo-data: nhansu into').and.include('vendor schema created');
      expect(io.lines.join('\n')).to.match(/demo-data: 60 people in \d+\.\d s/);
      const res = await t.db.query<{ people: number; qlcb: boolean }>(
        `SELECT (SELECT count(*)::int FROM nhansu.employee) AS people, EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'qlcb') AS qlcb`,
      );
      expect(res.rows[0]).to.deep.equal({ people: 60, qlcb: false });
      for (const argv of [['--vendor', 'misa'], ['--vendor', 'nhansu', '--with-sample']]) {
        await demoDataCommand.run(['--people', '5', '--database', t.url, ...argv], captureIo()).then(
          () => expect.fail(`accepted ${argv.join(' ')}`),
          (err: { code?: string; message?: string }) => expect(err.code, argv.join(' ')).to.equal('cli.usage'),
        );
      }
    } finally {
      await t.drop();
    }
  });

  it('refuses a missing or bad --people and a bad --database as usage errors', async function () {
    for (const argv of [['--database', 'postgres://x@127.0.0.1:1/db'], ['--people', 'ten', '--database', 'postgres://x@127.0.0.1:1/db'],
      ['--people', '0', '--database', 'postgres://x@127.0.0.1:1/db'], ['--people', '5', '--database', 'mysql://x@h/db']]) {
      await demoDataCommand.run(argv, captureIo()).then(
        () => expect.fail(`accepted ${argv.join(' ')}`),
        (err: { code?: string }) => expect(err.code, argv.join(' ')).to.be.oneOf(['cli.usage', 'config.invalid']),
      );
    }
  });
});
