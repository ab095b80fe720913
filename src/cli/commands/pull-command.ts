import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { openAuditLog } from '../../compose/audit-log.js';
import { loadConfig, type Config } from '../../config/config.js';
import { createLogger } from '../../log/logger.js';
import { openTransferEdges, withTransferService, type TransferCommandDeps } from '../../compose/transfer-edges.js';
import { TransferError } from '../../transfer/transfer-error.js';
import type { PullOutcome } from '../../transfer/transfer-service.js';
import type { CliCommand, CliIo } from '../command.js';
import { UsageError } from '../run-cli.js';
import { progressReporter } from '../progress-reporter.js';

export const defaultTransferCommandDeps: TransferCommandDeps = {
  loadConfig: () => loadConfig(),
  openEdges: openTransferEdges,
  openAudit: openAuditLog,
  actorName: () => {
    try {
      return userInfo().username;
    } catch {
      return 'unknown';
    }
  },
};

/** Warnings and errors only unless LOG_LEVEL asks for debug: the command prints its own outcome. */
export const quietLogger = (config: Config) =>
  createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, format: config.logFormat });

function printOutcome(out: PullOutcome, io: CliIo): void {
  const t = out.transfer;
  io.out(`staged: ${out.staged.table} id ${out.staged.id} (${out.staged.refreshed ? 'waiting row refreshed' : 'new row'}, ${out.staged.status}) ` +
    `for unit ${t.receivingUnit}${t.source !== undefined ? ` in source ${t.source}` : ''}, record received as ${out.staged.format}`);
  const decision = [t.decision.so, t.decision.ngayHieuLuc && `effective ${t.decision.ngayHieuLuc}`].filter(Boolean).join(', ');
  const left = t.workingDaysLeft ?? 0;
  const due = left >= 0 ? `${left} working days left` : `${-left} working days overdue`;
  io.out(`transfer ${t.id}: ${t.deadline ? `deadline ${t.deadline} (${due})` : 'no deadline (no decision date given)'}` +
    `${decision ? `; decision ${decision}` : ''}; pulls ${t.pulls}`);
  io.out(out.warnings.length === 0 ? 'warnings: none' : `warnings (${out.warnings.length}): the receiving unit should review these fields`);
  for (const w of out.warnings) io.out(`  ${w.path} ${w.code}: ${w.message}`);
}

export function createPullCommand(deps: TransferCommandDeps = defaultTransferCommandDeps): CliCommand {
  return {
    name: 'pull',
    summary: "Pull a transferee's national record and stage it for the receiving unit",
    usage: `Usage: csdl-gateway pull SO_DINH_DANH --unit AGENCY_CODE [--decision-no TEXT]
       [--decision-date YYYY-MM-DD] [--source NAME] [--force] [--json]

Fetches the official's record from the national database through NDXP (or the built-in
simulator when NDXP_URL is unset), checks the Ministry's signature, maps it into the provincial
database's terms and stages it in the vendor's staging table, as the mapping's \`staging\`
declares it (MAPPING_FILE), waiting for the unit. A repeat pull refreshes the waiting row. The transfer's deadline is 10 working days after
the decision takes effect (config/calendar). Every pull is audited.

Options:
  --unit CODE           agency code of the receiving unit (DDD.DD.DD.Xnn)
  --decision-no TEXT    number of the transfer decision
  --decision-date DATE  the date the decision takes effect (YYYY-MM-DD): starts the deadline
  --source NAME         a merged province (SOURCES_FILE): the source to stage in (nguồn nhận
                        hồ sơ), needed only when the agency code is a unit of several sources;
                        without it the source whose unit tree holds the unit is found
  --force               stage even though the person is active in this province
  --json                print the outcome as JSON

Exit: 0 staged; 2 bad input (transfer.bad_identity, transfer.bad_unit, transfer.unit_unknown,
transfer.unit_closed, transfer.unit_ambiguous, transfer.source_unknown, transfer.bad_decision),
nothing fetched; 1 any other refusal or failure
(transfer.already_active, transfer.not_found, transfer.untrusted_ca, transfer.wrong_signer,
transfer.tampered, transfer.timeout...), nothing staged.`,
    async run(argv, io) {
      const { values, positionals } = parseArgs({
        args: argv,
        allowPositionals: true,
        strict: true,
        options: {
          unit: { type: 'string' }, 'decision-no': { type: 'string' }, 'decision-date': { type: 'string' },
          source: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' },
        },
      });
      if (positionals.length !== 1) throw new UsageError('give exactly one SO_DINH_DANH');
      if (values.unit === undefined) throw new UsageError('--unit AGENCY_CODE is required');
      const decision = {
        ...(values['decision-no'] !== undefined ? { so: values['decision-no'] } : {}),
        ...(values['decision-date'] !== undefined ? { ngayHieuLuc: values['decision-date'] } : {}),
      };
      const request = {
        soDinhDanh: positionals[0] as string,
        receivingUnit: values.unit,
        ...(Object.keys(decision).length > 0 ? { decision } : {}),
        ...(values.source !== undefined ? { receivingSource: values.source } : {}),
        ...(values.force ? { force: true } : {}),
      };
      try {
        const progress = progressReporter({ label: 'pull', unit: 'steps' });
        const out = await withTransferService(deps, (service, actor) => service.pull(request, { actor }, progress.onProgress), quietLogger)
          .finally(() => progress.stop());
        if (values.json) io.out(JSON.stringify(out, null, 2));
        else printOutcome(out, io);
        return 0;
      } catch (err) {
        if (err instanceof TransferError && err.isInputRefusal) {
          io.err(`csdl-gateway pull: ${err.code}: ${err.message}`);
          return 2;
        }
        throw err;
      }
    },
  };
}

export const pullCommand = createPullCommand();
