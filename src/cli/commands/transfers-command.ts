import { parseArgs } from 'node:util';
import { withTransferService, type TransferCommandDeps } from '../../compose/transfer-edges.js';
import type { TransferView } from '../../transfer/transfer-service.js';
import type { CliCommand, CliIo } from '../command.js';
import { defaultTransferCommandDeps, quietLogger } from './pull-command.js';

function printTable(transfers: TransferView[], io: CliIo): void {
  if (transfers.length === 0) {
    io.out('no transfers');
    return;
  }
  const rows = transfers.map((t) => [
    t.id, t.status, t.receivingUnit, t.soDinhDanh, t.decision.so ?? '', t.deadline ?? '',
    t.workingDaysLeft === undefined ? '' : String(t.workingDaysLeft), t.overdue ? 'OVERDUE' : '',
  ]);
  const head = ['id', 'status', 'unit', 'số định danh', 'decision', 'deadline', 'days left', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  for (const r of [head, ...rows]) io.out(r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
}

export function createTransfersCommand(deps: TransferCommandDeps = defaultTransferCommandDeps): CliCommand {
  return {
    name: 'transfers',
    summary: 'List the transferee pulls with their status and working-day deadline',
    usage: `Usage: csdl-gateway transfers [--overdue] [--json]

Lists the transfer requests, newest first: status (requested, staged, failed, taken_in once
the vendor's software has accepted the staged row, declined when it refused it), receiving
unit, decision, deadline (10 working days after the decision takes effect) and the working
days left. The listing is audited.

Options:
  --overdue   only open transfers past their deadline
  --json      print the transfers as JSON`,
    async run(argv, io) {
      const { values } = parseArgs({ args: argv, strict: true, options: { overdue: { type: 'boolean' }, json: { type: 'boolean' } } });
      const transfers = await withTransferService(deps, (service, actor) => service.list({ overdue: values.overdue === true }, { actor }), quietLogger);
      if (values.json) io.out(JSON.stringify(transfers, null, 2));
      else printTable(transfers, io);
      return 0;
    },
  };
}

export const transfersCommand = createTransfersCommand();
