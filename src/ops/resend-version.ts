import { createPersonMapper } from '../mapping/mapping-pool.js';
import type { OutboxActionsStore } from '../outbox/outbox-actions-store.js';
import type { QueuedVersion } from '../outbox/outbox-types.js';
import { readRawPersonChunks, readReference } from '../source/person-reader.js';
import { toPendingVersion, toRecordVersion } from '../sync/record-version.js';
import type { SyncContext } from '../sync/sync-deps.js';
import { OpsActionError } from './ops-actions-error.js';

/**
 * A re-send's version: the person's current data, read from the provincial database as a sync
 * reads it (latest approval approved, one consistent snapshot), mapped and pre-validated like
 * any version, for the approval the gateway last took in. It is never `unchanged`: the
 * operator asks for it precisely because the national side lost what it accepted.
 */
export async function mapForResend(
  ctx: Pick<SyncContext, 'store' | 'source' | 'mapping'>, actions: OutboxActionsStore, soDinhDanh: string,
): Promise<Omit<QueuedVersion, 'id'>> {
  const vendorId = await actions.vendorOf(soDinhDanh, ctx.store.source);
  if (vendorId === undefined) throw new OpsActionError('ops.person_not_found', 'the gateway has never taken in this số định danh');
  const mapped = await ctx.source.transaction(async (tx) => {
    const reference = await readReference(tx, ctx.mapping);
    const mapper = createPersonMapper(ctx.mapping, { threads: 0, hash: true });
    try {
      for await (const raws of readRawPersonChunks(tx, ctx.mapping, { vendorIds: [vendorId], approvedOnly: true }, 1)) {
        return (await mapper.map(raws, reference))[0];
      }
      return undefined;
    } finally {
      await mapper.close();
    }
  }, { isolation: 'repeatable read', readOnly: true });
  if (!mapped) throw new OpsActionError('ops.person_not_approved', 'the person has no approved data in the provincial database: their latest approval is not approved');
  const version = toRecordVersion(mapped, undefined, ctx.mapping.fingerprint);
  if (version.status === 'invalid') {
    const details = (version.errors ?? []).map((e) => {
      const problem = e as { path?: string; message?: string; code?: string };
      return { path: problem.path ?? '', message: `${problem.code ?? ''} ${problem.message ?? ''}`.trim() };
    });
    throw new OpsActionError('ops.person_invalid', 'the person\'s current data maps to an invalid record; fix it in the provincial database and approve it again', { details });
  }
  if (version.soDinhDanh !== soDinhDanh) {
    throw new OpsActionError('ops.person_changed', 'the person\'s record now carries another số định danh: re-send that one');
  }
  const state = (await ctx.store.personStates([vendorId])).get(vendorId);
  if (state && BigInt(version.approvalId) > BigInt(state.lastApprovalId)) {
    throw new OpsActionError('ops.resend_not_needed', 'a newer approval of this person is due: the next sync sends it');
  }
  return { ...toPendingVersion(version), source: ctx.store.source };
}
