import { parseArgs } from 'node:util';
import { openMigratedStore } from '../../compose/databases.js';
import { loadConfig } from '../../config/config.js';
import { AGENCY_CODE_PATTERN } from '../../contract/national-contract.js';
import type { Queryable } from '../../db/db.js';
import { createClientAdmin } from '../../share/client-admin.js';
import type { NewGrant } from '../../share/client-store.js';
import { FIELD_GROUPS, isFieldGroup } from '../../share/field-filter.js';
import { SHARE_ROUTES } from '../../share/grant-policy.js';
import type { CliCommand, CliIo } from '../command.js';
import { UsageError } from '../run-cli.js';

const USAGE = `Usage:
  csdl-gateway clients add AGENCY_CODE --name TEXT
      Register another agency as a client (its agency code is its client id). Prints the
      client secret once, alone on the last line; the gateway keeps only its hash.
  csdl-gateway clients grant AGENCY_CODE --routes officials,units,statistics --units CODE,...
        --fields ${FIELD_GROUPS.join(',')} --purposes PURPOSE,... --until YYYY-MM-DD --rate N/s
      Grant what an agreement allows: routes, units (each with the units under it), field
      groups (sensitive: every field the national schema marks x-sensitive), purposes (the
      X-Purpose codes), until the end of that day (Vietnam time), at most N requests a second.
  csdl-gateway clients revoke AGENCY_CODE [--grant ID]
      Revoke a client (its tokens stop working at once) or one of its grants.
  csdl-gateway clients list [--json]
      Clients and their grants.
Examples:
  csdl-gateway clients add 000.00.00.G12 --name "Tổng cục Thuế"
  csdl-gateway clients grant 000.00.00.G12 --routes officials --units 000.00.00.H62 \\
      --fields basic,salary --purposes thue.quyet-toan --until 2027-12-31 --rate 20/s`;

function agencyCode(v: string | undefined): string {
  if (!v || !AGENCY_CODE_PATTERN.test(v)) throw new UsageError(`AGENCY_CODE must be an agency code like 000.00.00.G12, got '${v ?? ''}'`);
  return v;
}

function list(v: string | undefined, option: string, allowed?: readonly string[]): string[] {
  const items = (v ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 0) throw new UsageError(`--${option} is required (comma-separated)`);
  const bad = allowed ? items.filter((i) => !allowed.includes(i)) : [];
  if (bad.length > 0) throw new UsageError(`--${option}: unknown ${bad.join(', ')} (one of ${allowed!.join(', ')})`);
  return [...new Set(items)];
}

/** `--until 2027-12-31`: in force to the end of that day in Vietnam (UTC+7), and not already over. */
function until(v: string | undefined, now: Date): Date {
  const m = v ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(v) : null;
  const day = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined;
  if (!day || day.toISOString().slice(0, 10) !== v) throw new UsageError(`--until must be a date YYYY-MM-DD, got '${v ?? ''}'`);
  const end = new Date(`${v}T23:59:59.999+07:00`);
  if (end <= now) throw new UsageError(`--until ${v} is already over`);
  return end;
}

function rate(v: string | undefined): number {
  const m = v ? /^([0-9]{1,6})\/s$/.exec(v) : null;
  const n = m ? Number(m[1]) : 0;
  if (n < 1) throw new UsageError(`--rate must be N/s with N >= 1, got '${v ?? ''}'`);
  return n;
}

function parseGrant(argv: string[], now: Date): { code: string; grant: NewGrant } {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: { routes: { type: 'string' }, units: { type: 'string' }, fields: { type: 'string' }, purposes: { type: 'string' }, until: { type: 'string' }, rate: { type: 'string' } },
  });
  const code = agencyCode(positionals[0]);
  const units = list(values.units, 'units');
  for (const u of units) if (!AGENCY_CODE_PATTERN.test(u)) throw new UsageError(`--units: '${u}' is not an agency code`);
  const purposes = list(values.purposes, 'purposes');
  for (const p of purposes) if (!/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/.test(p)) throw new UsageError(`--purposes: '${p}' is not a purpose code (letters, digits, . _ : -)`);
  const fields = list(values.fields, 'fields', FIELD_GROUPS).filter(isFieldGroup);
  return {
    code,
    grant: {
      routes: list(values.routes, 'routes', SHARE_ROUTES), units, fieldGroups: fields, purposes,
      expiresAt: until(values.until, now), ratePerSecond: rate(values.rate),
    },
  };
}

/** The subcommands over an open store (tests call this with their own database). */
export async function runClients(argv: string[], io: CliIo, db: Queryable, now: Date = new Date()): Promise<number> {
  const [sub, ...rest] = argv;
  const admin = createClientAdmin(db);
  switch (sub) {
    case 'add': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, strict: true, options: { name: { type: 'string' } } });
      const code = agencyCode(positionals[0]);
      const name = values.name?.trim();
      if (!name) throw new UsageError('--name is required');
      const secret = await admin.add(code, name);
      io.out(`client ${code} added (${name}); its secret follows, shown this once and kept only hashed:`);
      io.out(secret);
      return 0;
    }
    case 'grant': {
      const { code, grant } = parseGrant(rest, now);
      const id = await admin.grant(code, grant);
      io.out(`grant ${id} for ${code}: routes ${grant.routes.join(',')}; units ${grant.units.join(',')}; fields ${grant.fieldGroups.join(',')}; ` +
        `purposes ${grant.purposes.join(',')}; until ${grant.expiresAt.toISOString()}; ${grant.ratePerSecond}/s`);
      return 0;
    }
    case 'revoke': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, strict: true, options: { grant: { type: 'string' } } });
      const code = agencyCode(positionals[0]);
      if (values.grant !== undefined && !/^[0-9]{1,18}$/.test(values.grant)) throw new UsageError(`--grant must be a grant id, got '${values.grant}'`);
      await admin.revoke(code, values.grant);
      io.out(values.grant === undefined ? `client ${code} revoked: its tokens no longer work` : `grant ${values.grant} of ${code} revoked`);
      return 0;
    }
    case 'list': {
      const { values } = parseArgs({ args: rest, strict: true, options: { json: { type: 'boolean' } } });
      const clients = await admin.list();
      if (values.json) {
        io.out(JSON.stringify(clients, null, 2));
        return 0;
      }
      if (clients.length === 0) io.out('no clients');
      for (const c of clients) {
        io.out(`${c.agencyCode}  ${c.name}${c.revokedAt ? `  (revoked ${c.revokedAt})` : ''}`);
        for (const g of c.grants) {
          const state = g.revokedAt ? `revoked ${g.revokedAt}` : new Date(g.expiresAt) <= now ? 'expired' : `until ${g.expiresAt}`;
          io.out(`  grant ${g.id}: ${g.routes.join(',')} | units ${g.units.join(',')} | ${g.fieldGroups.join(',')} | purposes ${g.purposes.join(',')} | ${g.ratePerSecond}/s | ${state}`);
        }
      }
      return 0;
    }
    default:
      throw new UsageError(sub ? `unknown subcommand '${sub}' (add, grant, revoke, list)` : 'a subcommand is required: add, grant, revoke or list');
  }
}

export const clientsCommand: CliCommand = {
  name: 'clients',
  summary: 'Manage the agencies that read shared data: clients, grants, revocations',
  usage: USAGE,
  async run(argv, io) {
    if (argv.length === 0) throw new UsageError('a subcommand is required: add, grant, revoke or list');
    const { store } = await openMigratedStore(loadConfig(), { borrowRunning: true });
    try {
      return await runClients(argv, io, store.db);
    } finally {
      await store.close();
    }
  },
};
