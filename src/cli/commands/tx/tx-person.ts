import { parseArgs } from 'node:util';
import { isSoDinhDanh } from '../../../contract/so-dinh-danh.js';
import type { ExplainedPerson, PersonLookup, Refusal } from '../../../ops/person-explain-service.js';
import type { StoredValue } from '../../../ops/stored-value.js';
import { UsageError } from '../../run-cli.js';
import { printJson, printTable, when, type TxContext, type TxSubcommand } from './tx-context.js';

/**
 * `csdl-gateway tx person SO|CMND [--vendor-id ID] [--json]`: a person as an operator knows
 * them (the 12-digit số định danh, the legacy 9-digit CMND, or the vendor's person id), every
 * version the gateway took in, and each refusal still standing explained: the national field,
 * the value as the vendor database holds it now, the rule in words and what to change.
 */
const CMND_DIGITS = 9;

/** What the argument names: 12 digits a số định danh, 9 a CMND (spaces, dots and dashes as typed on the card are dropped). */
export function personLookup(positionals: string[], vendorId: string | undefined): PersonLookup {
  if (vendorId !== undefined) {
    if (positionals.length > 0) throw new UsageError('tx person takes a số định danh, a CMND or --vendor-id, not several');
    if (!/^[\p{L}\p{N}_.:-]{1,64}$/u.test(vendorId)) throw new UsageError(`'${vendorId}' is not a vendor person id`);
    return { by: 'vendorId', value: vendorId };
  }
  const given = positionals[0];
  if (positionals.length !== 1 || given === undefined) throw new UsageError('tx person needs one số định danh (12 digits), CMND (9 digits) or --vendor-id ID');
  const digits = /^[0-9 .-]+$/.test(given) ? given.replace(/[ .-]/g, '') : given;
  if (isSoDinhDanh(digits)) return { by: 'soDinhDanh', value: digits };
  if (new RegExp(`^[0-9]{${CMND_DIGITS}}$`).test(given.replace(/[ .-]/g, ''))) return { by: 'cmnd', value: given.replace(/[ .-]/g, '') };
  throw new UsageError(`'${given}' is neither a số định danh (12 digits) nor a CMND (9 digits); for the vendor's person id use --vendor-id`);
}

const shown = (v: StoredValue): string => (!('value' in v) ? `${v.column}: (not in the vendor's record / không có trong hồ sơ)` : `${v.column} = ${JSON.stringify(v.value)}`);

function printRefusal(ctx: TxContext, r: Refusal): void {
  const say = (label: string, text: string): void => ctx.io.out(`  ${label.padEnd(8)}${text}`);
  ctx.io.out(`${r.state} (version ${r.versionId}) ${r.code}`);
  say('field', r.path || '(whole record)');
  if (r.stored.length === 0) say('stored', '(the problem names no vendor column)');
  for (const v of r.stored) say('stored', shown(v));
  say('rule', r.rule.vi);
  say('', r.rule.en);
  say('change', r.fix.vi);
  say('', r.fix.en);
  say('detail', r.message);
}

function printPerson(ctx: TxContext, p: ExplainedPerson): void {
  // A merged province's versions name their source with the vendor id, as `tx records` shows them.
  const source = p.source ?? p.versions[0]?.source;
  const vendor = source === undefined || source === 'default' ? p.vendorId : `${source}/${p.vendorId}`;
  ctx.io.out(`${p.soDinhDanh ?? '(no số định danh)'} · vendor id ${vendor}: last accepted ${when(p.acceptedAt)}`);
  if (!p.inSource) ctx.io.out('  the vendor database no longer holds this person / CSDL của tỉnh không còn người này');
  printTable(ctx, ['id', 'approved', 'state', 'packet', 'outcome'], p.versions.map((v) => [
    v.id, when(v.approvedAt), v.state, v.packetId ?? '-', v.outcome,
  ]), 2);
  if (p.refusals.length === 0) return;
  ctx.io.out('');
  ctx.io.out('Why refused / Lý do bị từ chối:');
  for (const r of p.refusals) printRefusal(ctx, r);
}

export const txPerson: TxSubcommand = {
  name: 'person',
  usage: 'tx person SO|CMND [--vendor-id ID] [--source NAME] [--json]\n      a person by số định danh, CMND or vendor id: every version taken in, and each refusal with the vendor value, the rule and what to change;\n      --source: a merged province\'s one source (its versions, its database; a removed source: its stored versions); without it, every source, each person named with their source',
  async run(argv, ctx) {
    const { values, positionals } = parseArgs({
      args: argv, options: { json: { type: 'boolean' }, 'vendor-id': { type: 'string' }, source: { type: 'string' } }, allowPositionals: true, strict: true,
    });
    const lookup = personLookup(positionals, values['vendor-id']);
    if (values.source !== undefined && !/^[a-z0-9-]{1,32}$/.test(values.source)) throw new UsageError('--source takes a source name ([a-z0-9-]{1,32}) from the sources file (tên nguồn)');
    const session = await ctx.session();
    const explained = await (await session.explainer(values.source)).explain({ actor: ctx.actor }, lookup);
    if (values.json) {
      printJson(ctx, explained);
      return 0;
    }
    explained.people.forEach((p, i) => {
      if (i > 0) ctx.io.out('');
      printPerson(ctx, p);
    });
    // A merged province looked up in every source: the sources that could not be read, by name.
    for (const u of explained.unavailable ?? []) {
      ctx.io.out('');
      ctx.io.out(`source ${u.source} could not be read, its people are not shown / không đọc được nguồn ${u.source}: ${u.code}`);
    }
    return 0;
  },
};
