import { expect } from 'chai';
import { readmeShellBlocks, type ReadmeBlock } from './readme-blocks.js';
import { openGatewayWorkspace, type GatewayWorkspace } from './gateway-workspace.js';

/**
 * Every ```sh block of the README runs as written on the embedded default, in order, in a
 * fresh working folder (gateway-workspace.ts: its ./data is the gateway's DATA_DIR; certs/ is
 * the project's), with `csdl-gateway` on PATH as the built CLI. One liberty: the README's port
 * 8080 is a free port here, since other gateways may hold 8080 on a shared machine. Blocks
 * marked `stopped` run with the gateway stopped, the others with it running; skipped ones say
 * why in the README. Needs `npm run build`, jq, curl and openssl.
 */
describe('README: every sh block runs as written on the embedded default', function () {
  this.timeout(900_000);
  let ws: GatewayWorkspace;

  before(async function () {
    ws = await openGatewayWorkspace();
  });
  after(function () {
    ws?.close();
  });

  it('marks every block it does not run with a reason', function () {
    const blocks = readmeShellBlocks();
    expect(blocks.length).to.be.greaterThan(8);
    for (const b of blocks.filter((x) => x.mode === 'skip')) expect(b.reason, `README.md:${b.line}`).to.be.a('string').with.length.greaterThan(10);
  });

  it('runs the blocks in order, the gateway started and stopped as each needs', async function () {
    // The first start: the first sync's summary line says the demo data went out.
    await ws.start(/"sync: due/);
    const ran: string[] = [];
    for (const block of readmeShellBlocks()) {
      if (block.mode === 'skip') continue;
      if (block.mode === 'stopped') await ws.stop();
      else if (!ws.running()) await ws.start(/csdl-gateway is running/);
      const run = ws.sh(block.script);
      expect(run.status, `README.md:${block.line} (${block.mode}) exited ${run.status}\n${block.script}\n--- stdout\n${run.stdout}\n--- stderr\n${run.stderr}`).to.equal(0);
      ran.push(`README.md:${block.line}`);
    }
    await ws.stop();
    expect(ran.length).to.be.greaterThan(6);
  });
});

export type { ReadmeBlock };
