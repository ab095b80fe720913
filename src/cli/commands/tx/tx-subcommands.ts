import type { CliCommand } from '../../command.js';
import type { TxSubcommand } from './tx-context.js';
import { txCancel } from './tx-cancel.js';
import { txConflicts } from './tx-conflicts.js';
import { txPrefer } from './tx-prefer.js';
import { txEnvelope } from './tx-envelope.js';
import { txPackets } from './tx-packets.js';
import { txPerson } from './tx-person.js';
import { txRecords } from './tx-records.js';
import { txResend } from './tx-resend.js';
import { txRetry } from './tx-retry.js';
import { txSettle } from './tx-settle.js';
import { txShow } from './tx-show.js';
import { txSummary } from './tx-summary.js';

/**
 * An operator's action as a `tx` subcommand. The actions open their own edges (the store, the
 * provincial database, the signer and, to send, the national side) once their arguments are
 * checked, so they take only the terminal from the reads' context.
 */
function action(command: CliCommand): TxSubcommand {
  const synopsis = /^Usage: csdl-gateway (.*)$/m.exec(command.usage)?.[1] ?? `tx ${command.name}`;
  return { name: command.name, usage: `${synopsis}\n      ${command.summary}`, run: (argv, ctx) => command.run(argv, ctx.io) };
}

/** Every `csdl-gateway tx` subcommand, one file each, in the order `tx --help` lists them: reads, then actions. */
export const txSubcommands: TxSubcommand[] = [
  txSummary, txPackets, txRecords, txShow, txEnvelope, txPerson, txConflicts,
  action(txRetry), action(txResend), action(txSettle), action(txCancel), action(txPrefer),
];
