import { parseArgs } from 'node:util';
import { packetIdArg, printJson, printTable, when, type TxSubcommand } from './tx-context.js';

export const txShow: TxSubcommand = {
  name: 'show',
  usage: 'tx show PACKET [--json]\n      a packet: header, every attempt, the receipt, each record\'s result and errors',
  async run(argv, ctx) {
    const { values, positionals } = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, allowPositionals: true, strict: true });
    const id = packetIdArg(positionals, 'tx show');
    const { ops } = await ctx.session();
    const p = await ops.packet({ actor: ctx.actor }, id);
    if (values.json) {
      printJson(ctx, p);
      return 0;
    }
    const h = p.header as { sender?: string; receiver?: string; createdAt?: string; recordCount?: number };
    ctx.io.out(`packet ${p.packetId}: ${p.state}${p.nationalCode ? ` (${p.nationalCode})` : ''}${p.lastError ? `: ${p.lastError}` : ''}`);
    ctx.io.out(`  ${h.sender ?? '?'} -> ${h.receiver ?? '?'}, ${h.recordCount ?? p.recordCount} record(s), ${p.payloadBytes} bytes ${p.format}, created ${when(h.createdAt ?? p.createdAt)}`);
    ctx.io.out(`  receipt: ${p.receipt ? `${p.receipt.status}, ${when(p.receipt.receivedAt)}` : 'none yet'}`);
    ctx.io.out('attempts:');
    printTable(ctx, ['time', 'operation', 'status', 'code', 'ms', 'request id', 'error'], p.attempts.map((a) => [
      when(a.startedAt), a.operation, a.httpStatus === null ? 'none' : String(a.httpStatus), a.nationalCode ?? '', String(a.durationMs), a.requestId, a.error ?? '',
    ]));
    ctx.io.out('records:');
    printTable(ctx, ['số định danh', 'approved', 'result', 'now', 'errors'], p.records.map((r) => [
      r.soDinhDanh, when(r.approvedAt), r.result ?? '-', r.state ?? '-', r.errors.map((e) => `${e.code}${e.path ? ` ${e.path}` : ''}: ${e.message}`).join('; '),
    ]), 2);
    return 0;
  },
};
