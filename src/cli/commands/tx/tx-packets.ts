import { parseArgs } from 'node:util';
import { PACKET_STATES } from '../../../ops/ops-types.js';
import { printJson, printTable, when, type TxSubcommand } from './tx-context.js';
import { LISTING_OPTIONS, LISTING_USAGE, listingFilter } from './tx-filters.js';

export const txPackets: TxSubcommand = {
  name: 'packets',
  usage: `tx packets ${LISTING_USAGE}\n      packets, newest first (code: the national code a packet failed with)`,
  async run(argv, ctx) {
    const { values } = parseArgs({ args: argv, options: LISTING_OPTIONS, strict: true });
    const filter = listingFilter(values, PACKET_STATES);
    const { ops } = await ctx.session();
    const listing = await ops.packets({ actor: ctx.actor }, filter);
    if (values.json) {
      printJson(ctx, listing.items);
      return 0;
    }
    printTable(ctx, ['packet', 'state', 'records', 'created', 'completed', 'code', 'last error'], listing.items.map((p) => [
      p.packetId, p.state, String(p.recordCount), when(p.createdAt), when(p.completedAt), p.nationalCode ?? '', p.lastError ?? '',
    ]), 1);
    ctx.io.out(`${listing.items.length} of ${listing.total} (page ${listing.page}); details: csdl-gateway tx show PACKET`);
    return 0;
  },
};
