import { expect } from 'chai';
import { commands } from '../../src/cli/commands/index.js';

describe('cli: the lazy command index', function () {
  this.timeout(60_000);

  it('names each command and repeats its summary exactly as its module does', async function () {
    expect(new Set(commands.map((c) => c.name)).size).to.equal(commands.length);
    for (const entry of commands) {
      const command = await entry.load();
      expect(command.name, entry.name).to.equal(entry.name);
      expect(command.summary, entry.name).to.equal(entry.summary);
    }
  });
});
