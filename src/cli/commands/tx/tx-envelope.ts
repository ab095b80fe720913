import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { UsageError } from '../../run-cli.js';
import { packetIdArg, type TxSubcommand } from './tx-context.js';

export const txEnvelope: TxSubcommand = {
  name: 'envelope',
  usage: 'tx envelope PACKET --out FILE\n      the exact signed envelope as stored and sent (check it: csdl-gateway verify FILE)',
  async run(argv, ctx) {
    const { values, positionals } = parseArgs({ args: argv, options: { out: { type: 'string' } }, allowPositionals: true, strict: true });
    const id = packetIdArg(positionals, 'tx envelope');
    if (!values.out) throw new UsageError('tx envelope needs --out FILE');
    const { ops } = await ctx.session();
    const envelope = await ops.envelope({ actor: ctx.actor }, id);
    // Personal data on disk: readable by its owner only.
    await writeFile(values.out, envelope, { mode: 0o600 });
    ctx.io.out(`wrote ${envelope.length} bytes to ${values.out}`);
    return 0;
  },
};
