import { parseArgs } from 'node:util';
import { UsageError } from '../../run-cli.js';
import { printJson, printTable, when, type TxSubcommand } from './tx-context.js';

/** `csdl-gateway tx conflicts [--all] [--source NAME] [--json]`: a merged province's people two sources approve. */
export const txConflicts: TxSubcommand = {
  name: 'conflicts',
  usage: 'tx conflicts [--all] [--source NAME] [--json]\n      a merged province\'s people two sources approve, held until settled (tx prefer): both sources, both approval times, the differing fields; --all: settled ones too',
  async run(argv, ctx) {
    const { values } = parseArgs({ args: argv, options: { all: { type: 'boolean' }, source: { type: 'string' }, json: { type: 'boolean' } }, strict: true });
    if (values.source !== undefined && !/^[a-z0-9-]{1,32}$/.test(values.source)) throw new UsageError('--source takes a source name ([a-z0-9-]{1,32}) from the sources file (tên nguồn)');
    const { ops } = await ctx.session();
    const items = await ops.conflicts({ actor: ctx.actor }, { ...(values.all ? { all: true } : {}), ...(values.source ? { source: values.source } : {}) });
    if (values.json) {
      printJson(ctx, items);
      return 0;
    }
    printTable(ctx, ['số định danh', 'sources (approved)', 'differing fields', 'opened', 'settled'], items.map((c) => [
      c.soDinhDanh,
      c.sides.map((s) => `${s.source}/${s.vendorId} (${s.approvedAt ? when(s.approvedAt) : '?'})`).join(' vs '),
      c.fields === null ? '(earlier record not kept)' : c.fields.length === 0 ? '(none: same record)' : c.fields.slice(0, 6).join(' ') + (c.fields.length > 6 ? ` +${c.fields.length - 6}` : ''),
      when(c.openedAt),
      c.settled ? `${c.settled.source} by ${c.settled.by}: ${c.settled.reason}` : 'open',
    ]), 2);
    const open = items.filter((c) => !c.settled).length;
    ctx.io.out(`${open} open conflict(s) (xung đột đang mở)${open ? '; settle one: csdl-gateway tx prefer SO_DINH_DANH --source NAME --reason TEXT' : ''}`);
    return 0;
  },
};
