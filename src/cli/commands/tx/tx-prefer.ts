import { parseArgs } from 'node:util';
import type { CliCommand } from '../../command.js';
import { UsageError } from '../../run-cli.js';
import { cliActor, exitCode, openConfiguredActions, printResult, type ActionsOpener } from './tx-action-command.js';
import { isSoDinhDanh } from '../../../contract/so-dinh-danh.js';
import { OpsActionError } from '../../../ops/ops-actions-error.js';

/** `csdl-gateway tx prefer SO_DINH_DANH --source NAME --reason TEXT` */
export function txPreferCommand(open: ActionsOpener = openConfiguredActions): CliCommand {
  return {
    name: 'prefer',
    summary: 'Settle a person two sources approve: the source named speaks for them from now on',
    usage: `Usage: csdl-gateway tx prefer SO_DINH_DANH --source NAME --reason TEXT [--json]

A merged province (SOURCES_FILE): when two sources approve the same person, nothing is sent
for them until an operator chooses (see 'csdl-gateway tx conflicts'). The source named owns the
person from now on; its held record is packed and sent now as an update of the national
record. The choice and its reason are kept in the audit log, in the same transaction.

Options:
  --source NAME  the source that speaks for the person (one of the conflict's sides)
  --reason TEXT  why (required); kept in the audit log with who acted (the OS user)
  --json         print the result as one JSON object

Exit status: 0 done; 75 a packet stays pending (national side unavailable); 1 refused; 2 bad usage.`,
    async run(argv, io) {
      const { values, positionals } = parseArgs({
        args: argv, options: { source: { type: 'string' }, reason: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true, strict: true,
      });
      if (positionals.length !== 1 || !isSoDinhDanh(positionals[0]!)) throw new UsageError('tx prefer takes one SO_DINH_DANH (12 digits)');
      if (!values.source || !/^[a-z0-9-]{1,32}$/.test(values.source)) throw new UsageError('--source NAME is required: the source that speaks for the person (tên nguồn)');
      if (!values.reason?.trim()) throw new UsageError('--reason TEXT is required: it is kept in the audit log');
      const opened = await open(true);
      try {
        if (!opened.service.prefer) throw new OpsActionError('ops.sources_not_configured', 'the gateway reads one provincial database (no SOURCES_FILE): there is nothing to prefer');
        const result = await opened.service.prefer(positionals[0]!, values.source, cliActor(), values.reason);
        if (values.json) io.out(JSON.stringify(result));
        else printResult(io, result);
        return exitCode(result);
      } finally {
        await opened.close();
      }
    },
  };
}

export const txPrefer = txPreferCommand();
