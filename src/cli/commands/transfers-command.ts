import { parseArgs } from 'node:util';
import { withTransferService, type TransferCommandDeps } from '../../compose/transfer-edges.js';
import type { TransferView } from '../../transfer/transfer-service.js';
import type { CliCommand, CliIo } from '../command.js';
import { UsageError } from '../run-cli.js';
import { defaultTransferCommandDeps, quietLogger } from './pull-command.js';

function printTable(transfers: TransferView[], io: CliIo): void {
  if (transfers.length === 0) {
    io.out('no transfers');
    return;
  }
  const rows = transfers.map((t) => [
    t.id, t.status, t.receivingUnit, t.soDinhDanh, t.decision.so ?? '', t.deadline ?? '',
    t.workingDaysLeft === undefined ? '' : String(t.workingDaysLeft),
    [t.overdue ? 'OVERDUE' : '', t.stalled ? `${t.stalled.code} (${t.source ?? ''}): transfers cancel ${t.id} --reason TEXT` : ''].filter(Boolean).join(' '),
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
       csdl-gateway transfers cancel ID --reason TEXT [--json]

Lists the transfer requests, newest first: status (requested, staged, failed, taken_in once
the vendor's software has accepted the staged row, declined when it refused it, cancelled),
receiving unit, decision, deadline (10 working days after the decision takes effect) and the
working days left. The listing is audited. A merged province's open transfer whose source was
removed from the sources file is marked sources.source_removed: its staged row is no longer
read, so it does not close on its own; 'transfers cancel' closes it as cancelled (audited,
with the reason). A transfer of a listed source is not cancelled (transfer.not_cancellable).

Options:
  --overdue      only open transfers past their deadline
  --reason TEXT  cancel: why (required); kept in the audit log with who acted (the OS user)
  --json         print the transfers (or the cancelled one) as JSON`,
    async run(argv, io) {
      const { values, positionals } = parseArgs({
        args: argv, strict: true, allowPositionals: true,
        options: { overdue: { type: 'boolean' }, json: { type: 'boolean' }, reason: { type: 'string' } },
      });
      if (positionals[0] === 'cancel') {
        const id = positionals[1];
        if (positionals.length !== 2 || id === undefined || !/^[0-9]{1,18}$/.test(id)) throw new UsageError('transfers cancel takes one transfer id (a number, as transfers lists it)');
        if (!values.reason?.trim()) throw new UsageError('--reason TEXT is required: it is kept in the audit log (lý do)');
        const reason = values.reason;
        const cancelled = await withTransferService(deps, (service, actor) => service.cancel(id, reason, { actor }), quietLogger);
        if (values.json) io.out(JSON.stringify(cancelled, null, 2));
        else io.out(`transfer ${cancelled.id}: ${cancelled.status} / đã hủy`);
        return 0;
      }
      if (positionals.length > 0) throw new UsageError(`unknown transfers subcommand '${positionals[0]}'; the one there is: cancel`);
      if (values.reason !== undefined) throw new UsageError('--reason goes with transfers cancel ID');
      const transfers = await withTransferService(deps, (service, actor) => service.list({ overdue: values.overdue === true }, { actor }), quietLogger);
      if (values.json) io.out(JSON.stringify(transfers, null, 2));
      else printTable(transfers, io);
      return 0;
    },
  };
}

export const transfersCommand = createTransfersCommand();
