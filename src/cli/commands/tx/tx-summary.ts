import { parseArgs } from 'node:util';
import type { OpsSummary } from '../../../ops/ops-types.js';
import { printJson, when, type TxSubcommand } from './tx-context.js';

const counts = (c: Record<string, number>): string =>
  Object.entries(c).sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';

export function summaryLines(s: OpsSummary): string[] {
  const oldest = s.oldestUnsentApproval;
  return [
    `packets:   ${counts(s.packets)}`,
    `records:   ${counts(s.records)}`,
    `failing:   ${s.failing}${s.failing ? ` (${counts(s.failingByCode)}); see: csdl-gateway tx records --failing` : ''}`,
    `oldest approval on its way: ${oldest ? `${when(oldest.approvedAt)} (vendor id ${oldest.vendorId}), ${oldest.ageHours} h ago` : 'none'}`,
    `last sync: ${s.lastSync ? `#${s.lastSync.id}, finished ${when(s.lastSync.finishedAt)}` : 'none yet'}`,
  ];
}

export const txSummary: TxSubcommand = {
  name: 'summary',
  usage: 'tx summary [--json]\n      packets and records by state, failing records by code, the oldest unaccepted approval, the last sync',
  async run(argv, ctx) {
    const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, strict: true });
    const { ops } = await ctx.session();
    const summary = await ops.summary({ actor: ctx.actor });
    if (values.json) printJson(ctx, summary);
    else for (const line of summaryLines(summary)) ctx.io.out(line);
    return 0;
  },
};
