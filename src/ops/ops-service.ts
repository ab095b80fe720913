import { failedOutcome, type AuditActor, type AuditEntryInput, type AuditLog } from '../audit/audit-entry.js';
import type { PayloadCodec } from '../encoding/payload-codec.js';
import { GatewayError } from '../errors.js';
import { packetNotFound } from '../outbox/outbox-error.js';
import { OpsActionError } from './ops-actions-error.js';
import type { OpsStore } from './ops-store.js';
import type {
  Listing, OpsSummary, PacketDetail, PacketFilter, PacketItem, PersonHistory, RecordFilter, RecordItem, ConflictFilter, ConflictItem } from './ops-types.js';
import { decodeEnvelope, packetRecordResults, summaryView, versionOutcome } from './ops-views.js';

/**
 * The operators' reads, for the API (ops-router.ts) and `csdl-gateway tx` alike. Every read
 * that returns personal data appends one audit entry naming the people it returned (Luật
 * 91/2025/QH15: every read of personal data leaves a trace) BEFORE the answer leaves: when the
 * audit log cannot take the entry, the read fails. A lookup of an unknown packet or person is
 * audited too, as refused, since asking about someone is itself worth a trace.
 */
export interface ReadContext {
  actor: AuditActor;
  requestId?: string;
}

export interface OpsService {
  summary(ctx: ReadContext): Promise<OpsSummary>;
  packets(ctx: ReadContext, filter: PacketFilter): Promise<Listing<PacketItem>>;
  records(ctx: ReadContext, filter: RecordFilter): Promise<Listing<RecordItem>>;
  packet(ctx: ReadContext, packetId: string): Promise<PacketDetail>;
  envelope(ctx: ReadContext, packetId: string): Promise<Buffer>;
  person(ctx: ReadContext, soDinhDanh: string): Promise<PersonHistory>;
  /** A merged province's people two sources approve; names them, so audited like a listing. */
  conflicts(ctx: ReadContext, filter: ConflictFilter): Promise<ConflictItem[]>;
}

export interface OpsServiceDeps {
  store: OpsStore;
  audit: AuditLog;
  codec: PayloadCodec;
  clock?: () => Date;
}

export function createOpsService(deps: OpsServiceDeps): OpsService {
  const clock = deps.clock ?? (() => new Date());
  const { store, audit, codec } = deps;

  const entry = (ctx: ReadContext, action: string, rest: Partial<AuditEntryInput>): AuditEntryInput => ({
    actor: ctx.actor, action, outcome: 'ok', ...(ctx.requestId ? { requestId: ctx.requestId } : {}), ...rest,
  });
  const people = (list: (string | null | undefined)[]): string[] => [...new Set(list.filter((s): s is string => typeof s === 'string' && s !== ''))];

  async function refused(ctx: ReadContext, action: string, err: GatewayError, rest: Partial<AuditEntryInput>): Promise<never> {
    await audit.append(entry(ctx, action, { ...rest, ...failedOutcome(err) }));
    throw err;
  }

  /** A packet named by its id or a unique prefix of it; a refusal is audited like an unknown packet. */
  async function resolved(ctx: ReadContext, action: string, given: string): Promise<string> {
    try {
      return await store.resolvePacketId(given);
    } catch (err) {
      // One code for an unknown packet on the read side, whether named whole or by a prefix.
      if (err instanceof GatewayError) return refused(ctx, action, err.code === 'outbox.packet_not_found' ? packetNotFound(given) : err, {});
      throw err;
    }
  }

  return {
    async summary(ctx) {
      const [packets, records, failing, oldest, lastSync] = await Promise.all([
        store.packetStates(), store.recordStates(), store.failingByCode(), store.oldestOutstanding(), store.lastSync(),
      ]);
      // The oldest approval names one person (by vendor id): that is a read of personal data.
      if (oldest) await audit.append(entry(ctx, 'ops.summary.view', { people: people([oldest.soDinhDanh]) }));
      return summaryView({ packets, records, failing, oldest, lastSync }, clock());
    },
    async packets(ctx, filter) {
      const listing = await store.listPackets(filter);
      // Packet rows name nobody; asking which packets carried a person is a read about them.
      if (filter.soDinhDanh) await audit.append(entry(ctx, 'ops.packets.list', { people: [filter.soDinhDanh] }));
      return listing;
    },
    async records(ctx, filter) {
      const listing = await store.listRecords(filter);
      await audit.append(entry(ctx, 'ops.records.list', { people: people(listing.items.map((r) => r.soDinhDanh)), ...(filter.unit ? { unit: filter.unit } : {}) }));
      return listing;
    },
    async packet(ctx, given) {
      const packetId = await resolved(ctx, 'ops.packet.view', given);
      const [packet, envelope] = await Promise.all([store.packet(packetId), store.envelope(packetId)]);
      if (!packet || !envelope) return refused(ctx, 'ops.packet.view', packetNotFound(packetId), { packetId });
      const decoded = decodeEnvelope(envelope, codec);
      const [attempts, receipt, versions] = await Promise.all([
        store.attempts(packetId), store.receipt(packetId), store.versionsFor(packetId, decoded.records),
      ]);
      const records = packetRecordResults(decoded.records, receipt?.body, versions);
      await audit.append(entry(ctx, 'ops.packet.view', { packetId, people: people(records.map((r) => r.soDinhDanh)) }));
      return { ...packet, header: decoded.header, attempts, receipt: receipt ?? null, records };
    },
    async envelope(ctx, given) {
      const packetId = await resolved(ctx, 'ops.packet.envelope', given);
      const envelope = await store.envelope(packetId);
      if (!envelope) return refused(ctx, 'ops.packet.envelope', packetNotFound(packetId), { packetId });
      const carried = decodeEnvelope(envelope, codec).records;
      await audit.append(entry(ctx, 'ops.packet.envelope', { packetId, people: people(carried.map((r) => r.soDinhDanh)) }));
      return envelope;
    },
    async conflicts(ctx, filter) {
      const items = await store.conflicts(filter);
      await audit.append(entry(ctx, 'ops.conflicts.list', { people: people(items.map((c) => c.soDinhDanh)), ...(filter.source ? { source: filter.source } : {}) }));
      return items;
    },
    async person(ctx, soDinhDanh) {
      const { versions, acceptedAt } = await store.personVersions(soDinhDanh);
      if (versions.length === 0) {
        const err = new OpsActionError('ops.person_not_found', 'no version of this person was taken in');
        return refused(ctx, 'ops.person.view', err, { people: [soDinhDanh] });
      }
      await audit.append(entry(ctx, 'ops.person.view', { people: [soDinhDanh] }));
      return {
        soDinhDanh,
        acceptedAt: acceptedAt?.toISOString() ?? null,
        versions: versions.map((v) => ({ ...v, outcome: versionOutcome(v) })),
      };
    },
  };
}
