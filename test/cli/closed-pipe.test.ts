import { expect } from 'chai';
import { assertCliBuilt, startCli } from '../setup/cli-process.js';

/**
 * `csdl-gateway … | head`: the reader closes the pipe before the command is done writing. The
 * command ends quietly, as git does (status 141, as a shell reports a SIGPIPE), with no stack
 * trace. The read end is closed before the child has written anything, so its first write
 * meets the closed pipe whatever the command prints; the guard sits in the CLI's entry point,
 * in front of every command.
 */
describe('cli: a closed stdout ends the command quietly', function () {
  this.timeout(60_000);
  before(assertCliBuilt);

  for (const args of [['--help'], ['tx', '--help'], ['audit', '--help']]) {
    it(`csdl-gateway ${args.join(' ')} | (a reader gone at once)`, async function () {
      const { child, exit } = startCli(args);
      child.stdout?.destroy();
      const run = await exit;
      expect(run.stderr, run.stderr).not.to.match(/EPIPE|Error|at .*\.js/);
      expect(run.code).to.equal(141);
    });
  }
});
