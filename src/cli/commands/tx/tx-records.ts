import { parseArgs } from 'node:util';
import { RECORD_STATES } from '../../../ops/ops-types.js';
import { printJson, printTable, when, type TxSubcommand } from './tx-context.js';
import { LISTING_OPTIONS, LISTING_USAGE, listingFilter } from './tx-filters.js';

export const txRecords: TxSubcommand = {
  name: 'records',
  usage: `tx records ${LISTING_USAGE}\n      record versions, newest approval first, with their errors (code: a national or mapping code)`,
  async run(argv, ctx) {
    const { values } = parseArgs({ args: argv, options: LISTING_OPTIONS, strict: true });
    const filter = listingFilter(values, RECORD_STATES);
    const { ops } = await ctx.session();
    const listing = await ops.records({ actor: ctx.actor }, filter);
    if (values.json) {
      printJson(ctx, listing.items);
      return 0;
    }
    printTable(ctx, ['id', 'số định danh', 'vendor', 'state', 'approved', 'unit', 'errors'], listing.items.map((r) => [
      r.id, r.soDinhDanh ?? '-', r.vendorId, r.state, when(r.approvedAt), r.approvedByUnit ?? '',
      r.errors.map((e) => `${e.code}${e.path ? ` ${e.path}` : ''}`).join('; '),
    ]), 3);
    ctx.io.out(`${listing.items.length} of ${listing.total} (page ${listing.page}); one person: csdl-gateway tx person SO`);
    return 0;
  },
};
