import { parseArgs } from 'node:util';
import { RECORD_STATES, type RecordItem } from '../../../ops/ops-types.js';
import { aftermath } from '../../../ops/ops-views.js';
import { printJson, printTable, when, type TxSubcommand } from './tx-context.js';
import { LISTING_OPTIONS, LISTING_USAGE, listingFilter } from './tx-filters.js';

const refused = (r: RecordItem): boolean => r.state === 'rejected' || r.state === 'invalid';

/** A refused version's state says whether it still fails, or what ended it. */
function stateOf(r: RecordItem): string {
  if (!refused(r)) return r.state;
  if (r.failing) return `${r.state} (failing)`;
  if (r.settled) return `${r.state} (settled)`;
  return r.replacedBy?.resent ? `${r.state} (re-sent)` : `${r.state} (replaced)`;
}

export const txRecords: TxSubcommand = {
  name: 'records',
  usage: `tx records [--failing] ${LISTING_USAGE}\n      record versions, newest approval first, with their errors (code: a national or mapping code);\n      --failing: only those failing (rejected or invalid, not settled, not replaced), as tx summary counts them`,
  async run(argv, ctx) {
    const { values } = parseArgs({ args: argv, options: { ...LISTING_OPTIONS, failing: { type: 'boolean' } }, strict: true });
    const filter = { ...listingFilter(values, RECORD_STATES), ...(values.failing ? { failing: true } : {}) };
    const { ops } = await ctx.session();
    const listing = await ops.records({ actor: ctx.actor }, filter);
    if (values.json) {
      printJson(ctx, listing.items);
      return 0;
    }
    printTable(ctx, ['id', 'số định danh', 'vendor', 'state', 'approved', 'unit', 'errors'], listing.items.map((r) => [
      // A merged province's versions name their source with the vendor id; a one-database province's read as before.
      r.id, r.soDinhDanh ?? '-', r.source === 'default' ? r.vendorId : `${r.source}/${r.vendorId}`, stateOf(r), when(r.approvedAt), r.approvedByUnit ?? '',
      r.errors.map((e) => `${e.code}${e.path ? ` ${e.path}` : ''}`).join('; '),
    ]), 3);
    // Who acted on a refused version, in full: a table cell would cut the reason short.
    for (const r of listing.items) {
      const after = refused(r) ? aftermath(r) : undefined;
      if (after) ctx.io.out(`  ${r.id}: ${after}`);
    }
    ctx.io.out(`${listing.items.length} of ${listing.total} (page ${listing.page}); one person: csdl-gateway tx person SO`);
    return 0;
  },
};
