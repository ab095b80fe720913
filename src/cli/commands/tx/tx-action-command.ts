import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import type { AuditActor } from '../../../audit/audit-entry.js';
import { GatewayError, isGatewayError } from '../../../errors.js';
import type { CliCommand, CliIo } from '../../command.js';
import { UsageError } from '../../run-cli.js';
import { openAuditLog } from '../../../compose/audit-log.js';
import { composeOpsActions } from '../../../compose/ops-actions-compose.js';
import { composeSync } from '../../../compose/sync-compose.js';
import { openSyncEdges } from '../../../compose/sync-edges.js';
import { loadConfig } from '../../../config/config.js';
import { createLogger } from '../../../log/logger.js';
import { OpsActionError } from '../../../ops/ops-actions-error.js';
import type { ActionResult, OpsAction, OpsActionsService } from '../../../ops/ops-actions-service.js';

/**
 * `csdl-gateway tx retry|resend|settle|cancel ID --reason TEXT`: the operators' actions from a
 * shell, on the store directly (the gateway may be stopped; a running sync holds the lock and
 * the action is refused with ops.sync_running). The actor in the audit log is the OS user.
 * Exit 0 when done, 75 when a packet stays pending (the national side is unavailable), 1 when
 * one was refused or the action was (its code printed), 2 on bad usage.
 */
export interface OpenedActions {
  service: OpsActionsService;
  close(): Promise<void>;
}

/** Opens the actions from configuration; `national` when the action may send. */
export type ActionsOpener = (national: boolean) => Promise<OpenedActions>;

export const openConfiguredActions: ActionsOpener = async (national) => {
  const config = loadConfig();
  // stdout holds the action's result (one JSON object with --json): log lines go to stderr.
  const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, format: config.logFormat, stream: process.stderr });
  // A merged province's sources open when an action reads one (a re-send), not before.
  const edges = await openSyncEdges(config, logger, { national, sourcesWhenNeeded: true }).catch((err: unknown) => {
    throw isGatewayError(err) && err.code === 'db.embedded_in_use' ? actThroughGateway(config.dataDir, config.port, err) : err;
  });
  try {
    const audit = await openAuditLog(edges.store.db, edges.signer, logger);
    const sync = composeSync(config, { ...edges, logger });
    return {
      service: composeOpsActions(sync, edges.store, audit, config.sources),
      async close() {
        await audit.close();
        await edges.close();
      },
    };
  } catch (err) {
    await edges.close();
    throw err;
  }
};

/**
 * An action needs the sync lock, which on the embedded store lives in the process holding it:
 * while the gateway runs, the action goes through the gateway's API, with the operator token
 * the first start wrote.
 */
function actThroughGateway(dataDir: string, port: number, cause: GatewayError): GatewayError {
  return new OpsActionError('ops.gateway_running', [
    `${cause.message}.`,
    'While the gateway runs, act through its API (the same action, audited as the token):',
    `  curl -s -X POST -H "Authorization: Bearer $(cat ${join(dataDir, 'operator-token')})" -H 'content-type: application/json' \\`,
    `       -d '{"reason":"…"}' http://127.0.0.1:${port}/api/ops/records/ID/settle   # or packets/ID/retry, packets/ID/cancel, people/SO/resend`,
  ].join('\n'), { cause });
}

export interface TxActionSpec {
  /** `prefer` takes a source besides its subject: its own command (tx-prefer.ts). */
  action: Exclude<OpsAction, 'prefer'>;
  summary: string;
  /** What the one positional argument names, for the usage line ("PACKET_ID"). */
  subject: string;
  description: string;
}

export function cliActor(): AuditActor {
  try {
    return { kind: 'cli', name: userInfo().username };
  } catch {
    return { kind: 'cli', name: 'unknown' };
  }
}

export function printResult(io: CliIo, r: ActionResult): void {
  if (r.queued > 0) io.out(`${r.action}: ${r.queued} record version(s) queued`);
  for (const p of r.packets) io.out(`packet ${p.packetId}: ${p.send}${p.receipt ? `, receipt ${p.receipt}` : ''}`);
  if (r.packets.length > 0) io.out(`records accepted ${r.summary.accepted}, stale ${r.summary.stale}, rejected ${r.summary.rejected}`);
  io.out(r.leftForNextSync > 0 ? `left in the queue for the next sync: ${r.leftForNextSync}` : `${r.action}: done`);
}

export function exitCode(r: ActionResult): number {
  if (r.packets.some((p) => p.send === 'failed')) return 1;
  return r.packets.some((p) => p.send === 'outage') ? 75 : 0;
}

export function txActionCommand(spec: TxActionSpec, open: ActionsOpener = openConfiguredActions): CliCommand {
  const { action } = spec;
  return {
    name: action,
    summary: spec.summary,
    usage: `Usage: csdl-gateway tx ${action} ${spec.subject} --reason TEXT [--json]

${spec.description}

Options:
  --reason TEXT  why (required); kept in the audit log with who acted (the OS user)
  --json         print the result as one JSON object

Exit status: 0 done; 75 a packet stays pending (national side unavailable); 1 refused; 2 bad usage.`,
    async run(argv, io) {
      const { values, positionals } = parseArgs({
        args: argv, options: { reason: { type: 'string' }, json: { type: 'boolean' } }, allowPositionals: true, strict: true,
      });
      if (positionals.length !== 1) throw new UsageError(`tx ${action} takes one ${spec.subject}`);
      if (!values.reason?.trim()) throw new UsageError('--reason TEXT is required: it is kept in the audit log');
      const opened = await open(action === 'retry' || action === 'resend');
      try {
        const result = await opened.service[action](positionals[0]!, cliActor(), values.reason);
        if (values.json) io.out(JSON.stringify(result));
        else printResult(io, result);
        return exitCode(result);
      } finally {
        await opened.close();
      }
    },
  };
}
