import { failedOutcome, type ActionAuditLog, type AuditActor, type AuditEntryInput } from '../audit/audit-entry.js';
import { storableText } from '../audit/storable-text.js';
import type { OutboxActionsStore, Within } from '../outbox/outbox-actions-store.js';
import { recordsOfEnvelope } from '../packet/envelope-records.js';
import { syncContext, type SyncContext, type SyncDeps } from '../sync/sync-deps.js';
import { packQueued } from '../sync/sync-pack.js';
import { landReceipt } from '../sync/sync-receipts.js';
import { sendPacket, type SendOutcome } from '../sync/sync-send.js';
import { emptySummary, type SyncSummary } from '../sync/sync-summary.js';
import { OpsActionError } from './ops-actions-error.js';
import { mapForResend } from './resend-version.js';
import type { OwnershipStore } from '../sources/ownership-store.js';
import type { RemovedSourceGuard } from '../sources/removed-source.js';
import { sourceRemoved } from '../sources/sources-error.js';

/**
 * Operators' actions on the outbox (docs/decisions/outbox.md, "Operators' actions"): retry a
 * packet, re-send a person, settle a failing version, cancel a pending packet. Each needs a
 * reason, runs under the sync lock (never beside a sync, here or in another process), reuses
 * the sync's own pack, send and receipt steps, and leaves one audit entry, refused or not.
 * A stored packet is never edited or re-signed: a retry posts its very bytes again, or
 * releases its records into new packets.
 *
 * No action without its entry (docs/decisions/audit-log.md): the entry of a done action is
 * written in the transaction of the action's change (`commit`, handed to the store), so both
 * commit or neither; a retry that only posts a packet again writes its entry first and posts
 * only once it is in. What follows the commit (packing, sending) is the sync's own work, as
 * after any approval. A refusal changes nothing and gets its own entry.
 */
export type OpsActionsDeps = SyncDeps & {
  actions: OutboxActionsStore; audit: ActionAuditLog; ownership?: Pick<OwnershipStore, 'prefer'>;
  /** A merged province: refuses a re-send or a `prefer` for a source removed from the sources file. */
  removed?: RemovedSourceGuard;
};

export type OpsAction = 'retry' | 'resend' | 'settle' | 'cancel' | 'prefer';

export interface PacketOutcome {
  packetId: string;
  send: SendOutcome;
  /** Whether its receipt was final within RECEIPT_WAIT_MS; the next sync polls otherwise. */
  receipt?: 'landed' | 'waiting';
}

export interface ActionResult {
  action: OpsAction;
  /** Versions this action put in the queue (released, cancelled or re-sent). */
  queued: number;
  /** Packets posted now, in order, with what became of each. */
  packets: PacketOutcome[];
  /** Versions still queued after the action: the next sync packs them. */
  leftForNextSync: number;
  /** The counts of what was sent now (accepted, rejected, stale...). */
  summary: SyncSummary;
}

/** Who acts: an actor, or an actor and the HTTP request id the audit entry names. */
export type ActionBy = AuditActor | { actor: AuditActor; requestId?: string };


const AUDIT_ACTION: Readonly<Record<OpsAction, string>> = {
  retry: 'ops.packet.retry',
  resend: 'ops.person.resend',
  settle: 'ops.record.settle',
  cancel: 'ops.packet.cancel',
  prefer: 'ops.person.prefer',
};

/** Writes the action's ok entry: in the change's transaction `tx`, or alone (before acting) without one. */
type Commit = (tx?: Parameters<Within>[0], people?: string[]) => Promise<void>;

export function createOpsActionsService(deps: OpsActionsDeps) {
  const ctx = syncContext(deps);
  const { actions, audit } = deps;

  /**
   * Runs `work` under the lock. `work` makes its change through `commit` (the store runs it
   * last in the change's transaction, which writes the ok entry there) or, when it changes
   * nothing stored, calls `commit()` before acting, which writes the entry alone first.
   */
  async function act(
    action: OpsAction, by: ActionBy, reason: string, subject: { packetId?: string; people?: string[]; source?: string },
    work: (note: { actor: string; reason: string }, people: string[], commit: Commit) => Promise<ActionResult>,
  ): Promise<ActionResult> {
    const { actor, requestId } = 'actor' in by ? by : { actor: by, requestId: undefined };
    // The reason is kept in the outbox and the audit log alike: made storable once, here.
    const why = typeof reason === 'string' ? storableText(reason.trim()) : '';
    const people = [...(subject.people ?? [])];
    const entry = (): Omit<AuditEntryInput, 'outcome'> => ({
      actor, action: AUDIT_ACTION[action], purpose: why, people: unique(people),
      ...(subject.packetId ? { packetId: subject.packetId } : {}), ...(requestId ? { requestId } : {}),
      ...(subject.source ? { source: subject.source } : {}),
    });
    let committed = false;
    const commit: Commit = async (tx, touched = []) => {
      people.push(...touched);
      if (tx) await audit.appendWithin(tx, { ...entry(), outcome: 'ok' });
      else await audit.append({ ...entry(), outcome: 'ok' });
      committed = true;
    };
    let result: ActionResult | undefined;
    try {
      if (why === '') throw new OpsActionError('ops.reason_required', `${action} needs a reason (kept in the audit log)`);
      // A packet named by its id or a unique prefix of it, as `tx show` takes it: the work and the entry see the whole id.
      if (subject.packetId !== undefined) subject.packetId = await actions.resolvePacketId(subject.packetId);
      result = await deps.lock.runExclusive(() => work({ actor: actor.name, reason: why }, people, commit));
      if (!result) throw new OpsActionError('ops.sync_running', 'a sync is running; try again once it has finished');
    } catch (err) {
      if (committed) {
        // The change and its entry are in; what failed is the follow-up the next sync retries.
        deps.logger?.error('operator action done, its follow-up failed', { action: AUDIT_ACTION[action], error: String(err) });
        throw err;
      }
      await audit.append({ ...entry(), ...failedOutcome(err) });
      throw err;
    }
    if (!committed) throw new OpsActionError('ops.not_retryable', `${action} changed nothing`);
    return result;
  }

  /** Packs every queued version and, with the national side at hand, sends those packets now. */
  async function packAndSend(summary: SyncSummary): Promise<PacketOutcome[]> {
    const built: { packetId: string; envelope: Buffer }[] = [];
    await packQueued(ctx, undefined, summary, (packetId, envelope) => built.push({ packetId, envelope }));
    return sendEach(ctx, built, summary);
  }

  async function result(action: OpsAction, queued: number, packets: PacketOutcome[], summary: SyncSummary): Promise<ActionResult> {
    return { action, queued, packets, leftForNextSync: await actions.queuedCount(), summary };
  }

  return {
    /**
     * A `pending` packet (the national side was unavailable) is posted again now, the same
     * stored bytes; a `failed` packet still holding its versions (refused whole with a 4xx)
     * releases them into the queue, and they are packed into new packets and sent now.
     */
    retry(given: string, by: ActionBy, reason: string): Promise<ActionResult> {
      const subject = { packetId: given };
      return act('retry', by, reason, subject, async (note, people, commit) => {
        const packetId = subject.packetId;
        const packet = await actions.packetForAction(packetId);
        const summary = emptySummary();
        const envelope = await ctx.store.envelopeOf(packetId);
        const records = recordsOfEnvelope(envelope, ctx.codec);
        people.push(...records.map((r) => r.soDinhDanh));
        if (packet.status === 'pending') {
          if (!ctx.client) throw new OpsActionError('ops.national_unavailable', 'no national side configured to send with');
          await commit();
          return result('retry', 0, await sendEach(ctx, [{ packetId, envelope }], summary), summary);
        }
        if (packet.status !== 'failed' || packet.inPacket === 0) {
          throw new OpsActionError('ops.not_retryable', `packet ${packetId} is ${packet.status}${packet.status === 'failed' ? ' and its records were queued again already' : ''}: nothing to retry`);
        }
        const released = await actions.releaseFailedPacket(packetId, records, note, commit);
        return result('retry', released.length, await packAndSend(summary), summary);
      });
    },

    /** The person's current approved data as a new version, packed and sent now. */
    resend(soDinhDanh: string, by: ActionBy, reason: string): Promise<ActionResult> {
      const subject: { people: string[]; source?: string } = { people: [soDinhDanh] };
      return act('resend', by, reason, subject, async (note, _people, commit) => {
        // A removed source's person is not re-sent from another source: the entry names it.
        const removed = await deps.removed?.removedSpeaker(soDinhDanh);
        if (removed !== undefined) {
          subject.source = removed;
          throw sourceRemoved(removed, 'a re-send of a person it speaks for');
        }
        const version = await mapForResend(ctx, actions, soDinhDanh);
        await actions.queueResend(version, note, commit);
        const summary = emptySummary();
        return result('resend', 1, await packAndSend(summary), summary);
      });
    },

    /**
     * A merged province's person two sources approve, settled for `source`: it speaks for the
     * person from now on, and its held record is packed and sent now, as an update of the
     * person's national record. The settlement and its audit entry commit together.
     */
    prefer(soDinhDanh: string, source: string, by: ActionBy, reason: string): Promise<ActionResult> {
      return act('prefer', by, reason, { people: [soDinhDanh], source }, async (note, _people, commit) => {
        if (!deps.ownership) throw new OpsActionError('ops.sources_not_configured', 'the gateway reads one provincial database (no SOURCES_FILE): there is nothing to prefer');
        if (await deps.removed?.isRemoved(source)) throw sourceRemoved(source, 'preferring it');
        const outcome = await deps.ownership.prefer(soDinhDanh, source, note, (tx, people) => commit(tx, people));
        if (outcome === 'no_conflict') throw new OpsActionError('ops.conflict_not_found', 'no open conflict between sources for this số định danh (không có xung đột đang mở)');
        if (outcome === 'not_a_side') throw new OpsActionError('ops.source_not_in_conflict', `source '${source}' is not a side of this person's conflict (nguồn không thuộc xung đột)`);
        const summary = emptySummary();
        return result('prefer', outcome, await packAndSend(summary), summary);
      });
    },

    /** A rejected or invalid version handled outside the gateway stops counting as failing. */
    settle(recordVersionId: string, by: ActionBy, reason: string): Promise<ActionResult> {
      return act('settle', by, reason, {}, async (note, _people, commit) => {
        await actions.settleVersion(recordVersionId, note, commit);
        return result('settle', 0, [], emptySummary());
      });
    },

    /** A pending packet never posted again; its versions queued for the next sync's packets. */
    cancel(given: string, by: ActionBy, reason: string): Promise<ActionResult> {
      const subject = { packetId: given };
      return act('cancel', by, reason, subject, async (note, people, commit) => {
        const packetId = subject.packetId;
        const records = recordsOfEnvelope(await ctx.store.envelopeOf(packetId), ctx.codec);
        people.push(...records.map((r) => r.soDinhDanh));
        const released = await actions.cancelPendingPacket(packetId, records, note, commit);
        return result('cancel', released.length, [], emptySummary());
      });
    },
  };
}

/**
 * Posts `packets` one by one through the sync's send step, landing each receipt that comes;
 * after an outage (or with no national side at hand) the rest stay pending for the next
 * sync, as in a sync.
 */
async function sendEach(ctx: SyncContext, packets: { packetId: string; envelope: Buffer }[], summary: SyncSummary): Promise<PacketOutcome[]> {
  const client = ctx.client;
  const outcomes: PacketOutcome[] = [];
  for (const { packetId, envelope } of packets) {
    if (!client || outcomes.some((o) => o.send === 'outage')) {
      summary.packetsPending += 1;
      continue;
    }
    const send = await sendPacket(ctx, client, packetId, envelope, summary);
    if (send === 'outage') summary.packetsPending += 1;
    outcomes.push(send === 'sent' ? { packetId, send, receipt: await landReceipt(ctx, client, packetId, summary) } : { packetId, send });
  }
  return outcomes;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

type FullActionsService = ReturnType<typeof createOpsActionsService>;
/** The actions; `prefer` is there when the gateway reads a merged province's sources. */
export type OpsActionsService = Omit<FullActionsService, 'prefer'> & Partial<Pick<FullActionsService, 'prefer'>>;
