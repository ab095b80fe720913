import { parseArgs } from 'node:util';
import { openMigratedStore } from '../../compose/databases.js';
import { loadConfig } from '../../config/config.js';
import type { Db } from '../../db/db.js';
import type { Role } from '../../http/api-actor.js';
import { createTokenService, ROLES, type TokenService } from '../../tokens/token-service.js';
import { createTokenStore } from '../../tokens/token-store.js';
import type { CliCommand, CliIo } from '../command.js';
import { UsageError } from '../run-cli.js';
import { formatTable } from '../table.js';

/**
 * `csdl-gateway tokens create | list | revoke`: the API's bearer tokens (src/tokens). The new
 * token is the last line of `create`'s output, alone, so a script can take it with `tail -1`;
 * it is shown this once and only its hash is stored.
 */
const USAGE = `Usage:
  csdl-gateway tokens create --role operator|auditor --name NAME [--expires-days N]
      Create an API token. The token is printed once, alone on the last line; keep it safe.
      auditor: reads everything, changes nothing; operator: may also act.
  csdl-gateway tokens list [--json]
      Every token's name, role, dates and state (never a secret).
  csdl-gateway tokens revoke NAME
      Refuse the token from now on (the name stays taken).`;

export interface TokensCommandDeps {
  /** The gateway's store, migrated; default the configured one (works with the gateway stopped). */
  openStore(): Promise<{ db: Db; close(): Promise<void> }>;
}

async function create(argv: string[], io: CliIo, service: TokenService): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { role: { type: 'string' }, name: { type: 'string' }, 'expires-days': { type: 'string' } }, strict: true });
  if (!values.role || !ROLES.includes(values.role as Role)) throw new UsageError('tokens create needs --role operator|auditor');
  if (!values.name) throw new UsageError('tokens create needs --name NAME');
  const days = values['expires-days'] === undefined ? undefined : Number(values['expires-days']);
  if (days !== undefined && (!Number.isInteger(days) || days < 1)) throw new UsageError(`--expires-days must be a whole number >= 1, got '${values['expires-days']}'`);
  const created = await service.create({ name: values.name, role: values.role as Role, ...(days !== undefined ? { expiresDays: days } : {}) });
  io.out(`created ${created.role} token '${created.name}'${created.expiresAt ? `, expires ${created.expiresAt.toISOString()}` : ', no expiry'}`);
  io.out('it is shown this once; only its hash is stored:');
  io.out(created.token);
  return 0;
}

async function list(argv: string[], io: CliIo, service: TokenService): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, strict: true });
  const tokens = await service.list();
  if (values.json) {
    io.out(JSON.stringify(tokens, null, 2));
    return 0;
  }
  if (tokens.length === 0) {
    io.out('no tokens; create one with: csdl-gateway tokens create --role operator --name NAME');
    return 0;
  }
  const day = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '-');
  const rows = tokens.map((t) => [t.name, t.role, t.state, day(t.createdAt), day(t.expiresAt), day(t.lastUsedAt)]);
  const lines = formatTable(['name', 'role', 'state', 'created', 'expires', 'last used'], rows, {
    width: process.stdout.columns || 120, colour: io.isTty,
    paint: { 2: (s) => (s === 'active' ? 'green' : 'dim') },
  });
  for (const line of lines) io.out(line);
  return 0;
}

async function revoke(argv: string[], io: CliIo, service: TokenService): Promise<number> {
  const { positionals } = parseArgs({ args: argv, options: {}, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError('tokens revoke needs exactly one NAME');
  await service.revoke(positionals[0] as string);
  io.out(`revoked token '${positionals[0]}'`);
  return 0;
}

const SUBCOMMANDS: Record<string, (argv: string[], io: CliIo, service: TokenService) => Promise<number>> = { create, list, revoke };

export function createTokensCommand(deps: TokensCommandDeps): CliCommand {
  return {
    name: 'tokens',
    summary: 'Create, list and revoke the API tokens of operators and auditors',
    usage: USAGE,
    async run(argv, io) {
      const [sub, ...rest] = argv;
      const handler = sub === undefined ? undefined : SUBCOMMANDS[sub];
      if (!handler) throw new UsageError(sub === undefined ? 'tokens needs a subcommand: create, list or revoke' : `unknown subcommand '${sub}'`);
      const store = await deps.openStore();
      try {
        return await handler(rest, io, createTokenService(createTokenStore(store.db)));
      } finally {
        await store.close();
      }
    },
  };
}

export const tokensCommand = createTokensCommand({
  async openStore() {
    const { store } = await openMigratedStore(loadConfig(), { borrowRunning: true });
    return { db: store.db, close: () => store.close() };
  },
});
