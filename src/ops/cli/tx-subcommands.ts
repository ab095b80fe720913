import type { TxSubcommand } from './tx-context.js';
import { txEnvelope } from './tx-envelope.js';
import { txPackets } from './tx-packets.js';
import { txPerson } from './tx-person.js';
import { txRecords } from './tx-records.js';
import { txShow } from './tx-show.js';
import { txSummary } from './tx-summary.js';

/** Every `csdl-gateway tx` subcommand, one file each, in the order `tx --help` lists them. */
export const txSubcommands: TxSubcommand[] = [txSummary, txPackets, txRecords, txShow, txEnvelope, txPerson];
