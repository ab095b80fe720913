import { parseArgs } from 'node:util';
import { personArg, printJson, printTable, when, type TxSubcommand } from './tx-context.js';

export const txPerson: TxSubcommand = {
  name: 'person',
  usage: 'tx person SO [--json]\n      every version of a person taken in, what became of it and why',
  async run(argv, ctx) {
    const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, allowPositionals: true, strict: true });
    const so = personArg(positionals, 'tx person');
    const { ops } = await ctx.session();
    const person = await ops.person({ actor: ctx.actor }, so);
    if (values.json) {
      printJson(ctx, person);
      return 0;
    }
    ctx.io.out(`${person.soDinhDanh}: last accepted ${when(person.acceptedAt)}`);
    printTable(ctx, ['id', 'approved', 'state', 'packet', 'outcome'], person.versions.map((v) => [
      v.id, when(v.approvedAt), v.state, v.packetId ?? '-', v.outcome,
    ]), 2);
    return 0;
  },
};
