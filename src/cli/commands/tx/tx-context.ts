import type { AuditActor, AuditLog } from '../../../audit/audit-entry.js';
import type { CliIo } from '../../command.js';
import { UsageError } from '../../run-cli.js';
import { formatTable, type Paint } from '../../table.js';
import type { Db } from '../../../db/db.js';
import { MIN_PREFIX } from '../../../outbox/packet-prefix.js';
import type { OpsService } from '../../../ops/ops-service.js';
import type { PersonExplainer } from '../../../ops/person-explain-service.js';

/**
 * What a `csdl-gateway tx` subcommand gets: the store and the audit log, opened only once the
 * subcommand has parsed its arguments (bad usage exits 2 without touching the store), the
 * reads' service, and who is asking (the OS user, recorded in every audit entry).
 */
export interface TxSession {
  db: Db;
  audit: AuditLog;
  ops: OpsService;
  /** `tx person`'s lookups: opens the provincial database on first use; with a name, that source's versions and database only. */
  explainer(source?: string): Promise<PersonExplainer>;
}

export interface TxContext {
  io: CliIo;
  actor: AuditActor;
  session(): Promise<TxSession>;
  /** Terminal width for tables. */
  width: number;
}

export interface TxSubcommand {
  name: string;
  /** For `tx --help`: the synopsis, then what it does on an indented line. */
  usage: string;
  run(argv: string[], ctx: TxContext): Promise<number>;
}

/** A packet's id or a unique prefix of it (at least 4 characters), resolved against the store by the reads. */
export function packetIdArg(positionals: string[], what: string): string {
  const id = positionals[0];
  if (positionals.length !== 1 || id === undefined) throw new UsageError(`${what} needs exactly one packet ID (or the start of one)`);
  // Checked before the store is opened: the id's shape alone, then the store resolves a prefix.
  const bare = id.replace(/…$/, '');
  if (!/^[0-9a-f][0-9a-f-]{0,35}$/i.test(bare)) throw new UsageError(`'${id}' is not a packet id (a UUID, or at least its first ${MIN_PREFIX} characters)`);
  if (bare.replaceAll('-', '').length < MIN_PREFIX) throw new UsageError(`'${id}' is too short to name a packet: give at least ${MIN_PREFIX} characters of its id`);
  return id;
}

const FAILING: ReadonlySet<string> = new Set(['rejected', 'invalid', 'failed']);
const GOOD: ReadonlySet<string> = new Set(['accepted', 'done']);

/** Failing states in red, good ones in green, on a terminal only. */
export function paintState(state: string): Paint | undefined {
  if (FAILING.has(state.split(' ')[0] ?? state)) return 'red';
  if (GOOD.has(state)) return 'green';
  return undefined;
}

export function printTable(ctx: TxContext, header: string[], rows: string[][], stateColumn?: number): void {
  const lines = formatTable(header, rows, {
    width: ctx.width, colour: ctx.io.isTty, ...(stateColumn !== undefined ? { paint: { [stateColumn]: paintState } } : {}),
  });
  for (const line of lines) ctx.io.out(line);
}

export function printJson(ctx: TxContext, value: unknown): void {
  ctx.io.out(JSON.stringify(value, null, 2));
}

/** A time as people read it in the log: UTC, to the second. */
export const when = (iso: string | null | undefined): string => (iso ? `${iso.slice(0, 19).replace('T', ' ')}Z` : '-');
