import type { ActionAuditLog } from '../audit/audit-entry.js';
import type { Db, Queryable } from '../db/db.js';
import { recordVersionsWithin } from '../outbox/outbox-store.js';
import type { RecordVersion } from '../outbox/outbox-types.js';
import { decideOwnership, differingPaths, type Owner } from './ownership-rule.js';
import type { ConflictPolicy } from './sources-file.js';

/**
 * Records what one source of a merged province collected, deciding for each person who speaks
 * for them nationally (ownership-rule.ts), in one transaction with the versions themselves
 * (migration 016). The sources' transactions take one lock in turn, so two sources recording
 * the same person at the same moment see each other. A version held back keeps its record
 * text; a conflict lists both sources, both approval times and the differing field paths.
 */
const S = 'csdl_gateway';
/** pg_advisory_xact_lock key of ownership decisions ("OWNR"). */
const OWNERSHIP_LOCK = 0x4f574e52;
/** Số định danh looked up per query when a merged sync asks which people it may stream. */
const STREAM_PAGE = 20_000;

/** Who a merged sync may stream, per source (vendor id -> số định danh), and which of them have an owner row. */
export interface Streamable {
  streamed: Map<string, Map<string, string>>;
  owned: Set<string>;
}

export interface OwnershipCounts {
  conflicts: number;
  held: number;
  moved: number;
}

interface OwnerVersion {
  so_dinh_danh: string; id: string; source: string; vendor_id: string; approval_id: string; approved_at: Date; status: string; record: string | null;
}

/** What `prefer` found: no open conflict for the person, or the source is not one of its sides. */
export type PreferRefusal = 'no_conflict' | 'not_a_side';

export function createOwnershipStore(db: Db, options: { policy: ConflictPolicy; audit?: ActionAuditLog }) {
  return {
    /**
     * An operator settles a person's open conflict for `source`: the source owns the person
     * from now on, its latest held version goes to the queue (sent as an update of the
     * national record by the caller, or the next sync), the other source's stay held. `within`
     * writes the action's audit entry in this transaction. Returns the versions queued.
     */
    async prefer(sdd: string, source: string, note: { actor: string; reason: string }, within: (tx: Queryable, people: string[]) => Promise<void>): Promise<number | PreferRefusal> {
      return db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [OWNERSHIP_LOCK]);
        const open = await tx.query<{ id: string; sides: { source: string; vendorId: string }[] }>(
          `SELECT id::text AS id, sides FROM ${S}.source_conflicts WHERE so_dinh_danh = $1 AND settled_at IS NULL FOR UPDATE`, [sdd]);
        const conflict = open.rows[0];
        if (!conflict) return 'no_conflict';
        const side = conflict.sides.find((s) => s.source === source);
        if (!side) return 'not_a_side';
        const held = await tx.query<{ id: string; vendor_id: string }>(
          `SELECT id::text AS id, vendor_id FROM ${S}.record_versions WHERE so_dinh_danh = $1 AND source = $2 AND status = 'held' AND record IS NOT NULL
            ORDER BY approval_id DESC, resend DESC LIMIT 1`, [sdd, source]);
        const version = held.rows[0];
        if (version) await tx.query(`UPDATE ${S}.record_versions SET status = 'queued', updated_at = now() WHERE id = $1`, [version.id]);
        await setOwner(tx, sdd, { source, vendorId: version?.vendor_id ?? side.vendorId, departed: false });
        await tx.query(
          `UPDATE ${S}.source_conflicts SET settled_at = now(), settled_by = $2, settle_reason = $3, chosen_source = $4 WHERE id = $1`,
          [conflict.id, note.actor, note.reason, source]);
        await within(tx, [sdd]);
        return version ? 1 : 0;
      });
    },

    /**
     * Of each source's due people (vendor id -> số định danh, read ahead of their documents),
     * those whose version can only be sent as their source's (`streamed`): no other due person
     * of any source has the số định danh, no other source or vendor id owns it, no conflict is
     * open for it and no version of it waits in the store (queued or held). A merged sync
     * streams these as one source does; everyone else is recorded first (`record`). `owned`:
     * the streamed people with an owner row, whose row follows what is sent (`keepOwners`);
     * for the others the person state says who took them in (`ownersOf`).
     */
    async streamable(due: ReadonlyMap<string, ReadonlyMap<string, string>>): Promise<Streamable> {
      const seen = new Map<string, number>();
      for (const people of due.values()) for (const sdd of people.values()) seen.set(sdd, (seen.get(sdd) ?? 0) + 1);
      const once = [...seen].flatMap(([sdd, n]) => (n === 1 ? [sdd] : []));
      const owners = new Map<string, Owner>();
      const waiting = new Set<string>();
      const rows = new Set<string>();
      for (let i = 0; i < once.length; i += STREAM_PAGE) {
        const page = once.slice(i, i + STREAM_PAGE);
        for (const [sdd, owner] of await ownersOf(db, page)) owners.set(sdd, owner);
        const res = await db.query<{ so_dinh_danh: string; why: 'waiting' | 'owned' }>(
          `SELECT so_dinh_danh, 'waiting' AS why FROM ${S}.record_versions WHERE so_dinh_danh = ANY($1::text[]) AND status IN ('queued', 'held')
           UNION SELECT so_dinh_danh, 'waiting' FROM ${S}.source_conflicts WHERE settled_at IS NULL AND so_dinh_danh = ANY($1::text[])
           UNION SELECT so_dinh_danh, 'owned' FROM ${S}.person_owners WHERE so_dinh_danh = ANY($1::text[])`, [page]);
        for (const r of res.rows) (r.why === 'waiting' ? waiting : rows).add(r.so_dinh_danh);
      }
      const streamed = new Map<string, Map<string, string>>();
      const owned = new Set<string>();
      for (const [source, people] of due) {
        const mine = new Map<string, string>();
        for (const [vendorId, sdd] of people) {
          const owner = owners.get(sdd);
          const free = owner === undefined || (owner.source === source && owner.vendorId === vendorId);
          if (seen.get(sdd) !== 1 || !free || waiting.has(sdd)) continue;
          mine.set(vendorId, sdd);
          if (rows.has(sdd)) owned.add(sdd);
        }
        streamed.set(source, mine);
      }
      return { streamed, owned };
    },

    /** The owner rows of streamed people who have one (`streamable`'s `owned`), as their source now sends them. */
    async keepOwners(source: string, versions: RecordVersion[]): Promise<void> {
      const decided = new Map<string, Owner>();
      for (const v of versions) if (v.soDinhDanh !== undefined) decided.set(v.soDinhDanh, { source, vendorId: v.vendorId, departed: v.operation === 'archive' });
      if (decided.size === 0) return;
      await db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [OWNERSHIP_LOCK]);
        await setOwners(tx, decided);
      });
    },

    /**
     * `claimed`: people another source streamed this run, whose packet the store may not hold
     * yet (a số định danh read ahead differently from its document): they count as owned by it.
     */
    async record(source: string, runId: string, versions: RecordVersion[], claimed?: ReadonlyMap<string, Owner>): Promise<OwnershipCounts> {
      const counts: OwnershipCounts = { conflicts: 0, held: 0, moved: 0 };
      if (versions.length === 0) return counts;
      await db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [OWNERSHIP_LOCK]);
        const sending = versions.filter((v) => v.status === 'queued' && v.soDinhDanh !== undefined);
        const ids = [...new Set(sending.map((v) => v.soDinhDanh!))];
        const owners = await ownersOf(tx, ids);
        for (const [sdd, owner] of claimed ?? []) if (!owners.has(sdd)) owners.set(sdd, owner);
        const open = await openConflicts(tx, ids);
        const latest = await ownersLatest(tx, owners);
        const recorded: RecordVersion[] = [];
        // Each person's owner as decided by this chunk, written in one statement after it.
        const decided = new Map<string, Owner>();
        for (const v of versions) {
          if (v.status !== 'queued' || v.soDinhDanh === undefined) {
            recorded.push(v);
            continue;
          }
          const sdd = v.soDinhDanh;
          const owner = owners.get(sdd);
          const ownerLatest = latest.get(sdd);
          const d = decideOwnership({ source, vendorId: v.vendorId, operation: v.operation, approvedAt: v.approvedAt }, owner, open.has(sdd), options.policy, ownerLatest?.approved_at.toISOString());
          if (d.kind === 'send') {
            owners.set(sdd, d.owner);
            decided.set(sdd, d.owner);
            if (d.moved) counts.moved += 1;
            recorded.push(v);
            continue;
          }
          if (d.kind === 'hold') {
            counts.held += 1;
            recorded.push({ ...v, status: 'held' });
            continue;
          }
          // Two sources approve one person in service: the owner's version still waiting in the queue waits too.
          if (ownerLatest?.status === 'queued' && (d.kind === 'conflict' || d.winner === 'candidate')) {
            await tx.query(`UPDATE ${S}.record_versions SET status = 'held', updated_at = now() WHERE id = $1 AND status = 'queued'`, [ownerLatest.id]);
          }
          const fields = ownerLatest?.record ? differingPaths(JSON.parse(ownerLatest.record), JSON.parse(v.recordJson ?? 'null')) : null;
          const sides = [
            { source: owner!.source, vendorId: owner!.vendorId, approvalId: ownerLatest?.approval_id ?? null, approvedAt: ownerLatest?.approved_at.toISOString() ?? null },
            { source, vendorId: v.vendorId, approvalId: v.approvalId, approvedAt: v.approvedAt },
          ];
          counts.conflicts += 1;
          if (d.kind === 'conflict') {
            open.add(sdd);
            counts.held += 1;
            recorded.push({ ...v, status: 'held' });
            await tx.query(`INSERT INTO ${S}.source_conflicts (so_dinh_danh, sides, fields) VALUES ($1, $2, $3)`, [sdd, JSON.stringify(sides), fields]);
            continue;
          }
          // conflictPolicy "latest-approval": settled now, audited in this transaction.
          const chosen = d.winner === 'candidate' ? source : owner!.source;
          await tx.query(
            `INSERT INTO ${S}.source_conflicts (so_dinh_danh, sides, fields, settled_at, settled_by, settle_reason, chosen_source)
             VALUES ($1, $2, $3, now(), 'conflictPolicy', 'latest-approval', $4)`,
            [sdd, JSON.stringify(sides), fields, chosen],
          );
          if (d.winner === 'candidate') {
            owners.set(sdd, d.owner);
            decided.set(sdd, d.owner);
            counts.moved += 1;
            recorded.push(v);
          } else {
            counts.held += 1;
            recorded.push({ ...v, status: 'held' });
          }
          await options.audit?.appendWithin(tx, {
            actor: { kind: 'system', name: 'sync' }, action: 'sync.conflict.settle', people: [sdd],
            purpose: 'conflictPolicy latest-approval: the later approval speaks for the person', outcome: 'ok', source: chosen,
          });
        }
        await setOwners(tx, decided);
        await recordVersionsWithin(tx, source, runId, recorded);
      });
      return counts;
    },
  };
}

/**
 * The owner of each person; for one never recorded as owned (taken in before the province
 * had a sources file), the source whose person state last took them in, departed when that
 * version was an archive: a province that adds a second database keeps its people's owner.
 */
async function ownersOf(tx: Queryable, ids: string[]): Promise<Map<string, Owner>> {
  if (ids.length === 0) return new Map();
  const res = await tx.query<{ so_dinh_danh: string; source: string; vendor_id: string; departed: boolean }>(
    `SELECT so_dinh_danh, source, vendor_id, departed FROM ${S}.person_owners WHERE so_dinh_danh = ANY($1::text[])
     UNION ALL
     SELECT * FROM (SELECT DISTINCT ON (s.so_dinh_danh) s.so_dinh_danh, s.source, s.vendor_id, coalesce(v.operation = 'archive', false)
                      FROM ${S}.person_state s
                      LEFT JOIN ${S}.record_versions v ON v.source = s.source AND v.vendor_id = s.vendor_id AND v.approval_id = s.last_approval_id AND v.resend = 0
                     WHERE s.so_dinh_danh = ANY($1::text[])
                       AND NOT EXISTS (SELECT 1 FROM ${S}.person_owners o WHERE o.so_dinh_danh = s.so_dinh_danh)
                     ORDER BY s.so_dinh_danh, s.updated_at DESC) taken_in`,
    [ids],
  );
  return new Map(res.rows.map((r) => [r.so_dinh_danh, { source: r.source, vendorId: r.vendor_id, departed: r.departed }]));
}

async function openConflicts(tx: Queryable, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const res = await tx.query<{ so_dinh_danh: string }>(
    `SELECT so_dinh_danh FROM ${S}.source_conflicts WHERE settled_at IS NULL AND so_dinh_danh = ANY($1::text[])`, [ids],
  );
  return new Set(res.rows.map((r) => r.so_dinh_danh));
}

/** The owner's latest version of each person, with its record text while it has one (queued or held). */
async function ownersLatest(tx: Queryable, owners: Map<string, Owner>): Promise<Map<string, OwnerVersion>> {
  if (owners.size === 0) return new Map();
  const list = [...owners];
  const res = await tx.query<OwnerVersion>(
    `SELECT DISTINCT ON (v.so_dinh_danh) v.so_dinh_danh, v.id::text AS id, v.source, v.vendor_id, v.approval_id::text AS approval_id,
            v.approved_at, v.status, v.record::text AS record
       FROM unnest($1::text[], $2::text[], $3::text[]) AS o(so_dinh_danh, source, vendor_id)
       JOIN ${S}.record_versions v ON v.source = o.source AND v.vendor_id = o.vendor_id AND v.so_dinh_danh = o.so_dinh_danh
      ORDER BY v.so_dinh_danh, v.approval_id DESC, v.resend DESC`,
    [list.map(([sdd]) => sdd), list.map(([, o]) => o.source), list.map(([, o]) => o.vendorId)],
  );
  return new Map(res.rows.map((r) => [r.so_dinh_danh, r]));
}

async function setOwner(tx: Queryable, sdd: string, owner: Owner): Promise<void> {
  await setOwners(tx, new Map([[sdd, owner]]));
}

/** Each person's owner, one statement for a chunk's people (a round trip per person was most of a merged sync's recording). */
async function setOwners(tx: Queryable, owners: Map<string, Owner>): Promise<void> {
  if (owners.size === 0) return;
  const list = [...owners];
  await tx.query(
    `INSERT INTO ${S}.person_owners (so_dinh_danh, source, vendor_id, departed)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[])
     ON CONFLICT (so_dinh_danh) DO UPDATE SET source = EXCLUDED.source, vendor_id = EXCLUDED.vendor_id, departed = EXCLUDED.departed,
       since = CASE WHEN ${S}.person_owners.source = EXCLUDED.source AND ${S}.person_owners.vendor_id = EXCLUDED.vendor_id THEN ${S}.person_owners.since ELSE now() END`,
    [list.map(([sdd]) => sdd), list.map(([, o]) => o.source), list.map(([, o]) => o.vendorId), list.map(([, o]) => o.departed)],
  );
}

export type OwnershipStore = ReturnType<typeof createOwnershipStore>;

/** The source that owns a person, or the one that last took them in (a re-send reads that one). */
export async function speakingSource(db: Queryable, soDinhDanh: string): Promise<string | undefined> {
  const res = await db.query<{ source: string }>(
    `SELECT source FROM ${S}.person_owners WHERE so_dinh_danh = $1
     UNION ALL (SELECT source FROM ${S}.person_state WHERE so_dinh_danh = $1 ORDER BY updated_at DESC LIMIT 1)`,
    [soDinhDanh],
  );
  return res.rows[0]?.source;
}
