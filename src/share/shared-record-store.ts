import type { Queryable } from '../db/db.js';

/**
 * The served copy of each person's last accepted record (csdl_gateway.shared_records) and the
 * unit hierarchy it is read through, in named SQL. A unit stands for its subtree: the tree
 * table holds every (ancestor, descendant) pair, each unit with itself included.
 */
const S = 'csdl_gateway';

export interface SharedRow {
  soDinhDanh: string;
  record: string;
  unitCode: string;
  status?: string;
  loaiNhanSu?: string;
  ngach?: string;
  chucDanh?: string;
  viTri?: string;
  operation: string;
  approvedAt: string;
  packetId: string;
}

export interface ServedRecord {
  /**
   * The record, or undefined when the reader said it holds this version already
   * (`SERVED_RECORD_SQL`'s `known`): the caller takes its own copy then.
   */
  record: Record<string, unknown> | undefined;
  approvedAt: string;
  /** The packet the record was taken in from and its approval time, to the microsecond: one version, one content. */
  version: string;
  /** The person's unit and every unit above it: a grant on any of them covers the person. */
  ancestors: string[];
}

/**
 * One person's served record with its unit's ancestors and its version, as one JSON value
 * (null when not served): also embedded in the token check's statement, so a read is one round
 * trip. With `known`, the record itself is left out when its version is that one.
 */
export const SERVED_RECORD_SQL = (so: string, known = 'NULL::text') =>
  `(SELECT json_build_object('version', v.version, 'approvedAt', r.approved_at,
            'ancestors', ARRAY(SELECT t.ancestor FROM ${S}.share_unit_tree t WHERE t.descendant = r.unit_code UNION SELECT r.unit_code),
            'record', CASE WHEN v.version = ${known} THEN NULL ELSE r.record END)
      FROM ${S}.shared_records r
      CROSS JOIN LATERAL (SELECT r.packet_id::text || '@' || (extract(epoch FROM r.approved_at) * 1000000)::bigint::text AS version) v
     WHERE r.so_dinh_danh = ${so})`;

type ServedJson = { record: Record<string, unknown> | null; approvedAt: string; version: string; ancestors: string[] } | null;

export function servedRecordOf(v: ServedJson): ServedRecord | undefined {
  return v ? { record: v.record ?? undefined, approvedAt: new Date(v.approvedAt).toISOString(), version: v.version, ancestors: v.ancestors } : undefined;
}

/** The /statistics dimensions: column, and where its name is in the record. */
export const STATISTICS_DIMENSIONS = {
  ngach: { column: 'ngach', label: '{luong,ngach,ten}' },
  chucDanhNgheNghiep: { column: 'chuc_danh', label: '{luong,chucDanhNgheNghiep,ten}' },
  viTriViecLam: { column: 'vi_tri', label: '{viTriViecLam,ten}' },
  loaiNhanSu: { column: 'loai_nhan_su', label: '{loaiNhanSu,ten}' },
  donVi: { column: 'unit_code', label: undefined },
} as const;
export type StatisticsDimension = keyof typeof STATISTICS_DIMENSIONS;

export interface StatisticsRow {
  ma: string | null;
  ten?: string;
  count: number;
}

/**
 * The columns of a served record, in shared_records and in shared_records_withheld alike
 * (migration 017): a record moves between the two whole.
 */
export const SERVED_COLUMNS = ['so_dinh_danh', 'record', 'unit_code', 'status', 'loai_nhan_su', 'ngach', 'chuc_danh', 'vi_tri',
  'operation', 'approved_at', 'packet_id', 'refreshed_at'] as const;
const COLUMNS = SERVED_COLUMNS.join(', ');
/** On a conflict the newer approval wins; an older one, met late, changes nothing. */
const NEWER_WINS = (into: string) => `ON CONFLICT (so_dinh_danh) DO UPDATE SET
  ${SERVED_COLUMNS.filter((c) => c !== 'so_dinh_danh').map((c) => `${c} = EXCLUDED.${c}`).join(', ')}
  WHERE ${into}.approved_at < EXCLUDED.approved_at`;

/** `granted` lie above `unit` (or are it). */
const MATCHED = (unit: string, granted: string) =>
  `ARRAY(SELECT t.ancestor FROM ${S}.share_unit_tree t WHERE t.descendant = ${unit} AND t.ancestor = ANY(${granted})
         UNION SELECT ${unit} WHERE ${unit} = ANY(${granted}))`;

export function createSharedRecordStore(db: Queryable) {
  return {
    /** One person's served record and their unit's ancestors. */
    async official(soDinhDanh: string): Promise<ServedRecord | undefined> {
      const res = await db.query<{ v: Parameters<typeof servedRecordOf>[0] }>(`SELECT ${SERVED_RECORD_SQL('$1')} AS v`, [soDinhDanh]);
      return servedRecordOf(res.rows[0]?.v ?? null);
    },

    /** Whether a unit is known (in the provincial hierarchy or holding a served person), and which of `grantedUnits` cover it. */
    async unitAccess(unit: string, grantedUnits: string[]): Promise<{ known: boolean; matched: string[] }> {
      const res = await db.query<{ known: boolean; matched: string[] }>(
        `SELECT EXISTS (SELECT 1 FROM ${S}.share_unit_tree WHERE descendant = $1)
                OR EXISTS (SELECT 1 FROM ${S}.shared_records WHERE unit_code = $1) AS known,
                ${MATCHED('$1::text', '$2::text[]')} AS matched`,
        [unit, grantedUnits],
      );
      const row = res.rows[0]!;
      return { known: row.known, matched: row.matched };
    },

    async unitPage(q: { unit: string; includeSubunits: boolean; status?: string; limit: number; offset: number }): Promise<{
      total: number; items: { soDinhDanh: string; approvedAt: string; record: Record<string, unknown> }[];
    }> {
      const where = `(r.unit_code = $1 OR ($2 AND r.unit_code IN (SELECT descendant FROM ${S}.share_unit_tree WHERE ancestor = $1)))
                     AND ($3::text IS NULL OR r.status = $3)`;
      const params = [q.unit, q.includeSubunits, q.status ?? null];
      const total = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${S}.shared_records r WHERE ${where}`, params);
      const page = await db.query<{ so_dinh_danh: string; approved_at: Date; record: Record<string, unknown> }>(
        `SELECT r.so_dinh_danh, r.approved_at, r.record FROM ${S}.shared_records r WHERE ${where}
          ORDER BY r.so_dinh_danh LIMIT $4 OFFSET $5`,
        [...params, q.limit, q.offset],
      );
      return {
        total: Number(total.rows[0]!.n),
        items: page.rows.map((r) => ({ soDinhDanh: r.so_dinh_danh, approvedAt: r.approved_at.toISOString(), record: r.record })),
      };
    },

    /** Counts of the served people under `units` (each with its subtree), by one dimension. */
    async statistics(dimension: StatisticsDimension, units: string[]): Promise<StatisticsRow[]> {
      const { column, label } = STATISTICS_DIMENSIONS[dimension];
      const name = label === undefined
        ? `(SELECT u.name FROM ${S}.share_units u WHERE u.agency_code = r.unit_code)`
        : `r.record #>> '${label}'`;
      const res = await db.query<{ ma: string | null; ten: string | null; n: string }>(
        `SELECT r.${column} AS ma, max(${name}) AS ten, count(*) AS n FROM ${S}.shared_records r
          WHERE r.unit_code = ANY($1::text[]) OR r.unit_code IN (SELECT descendant FROM ${S}.share_unit_tree WHERE ancestor = ANY($1::text[]))
          GROUP BY r.${column} ORDER BY r.${column} NULLS LAST`,
        [units],
      );
      return res.rows.map((r) => ({ ma: r.ma, ...(r.ten ? { ten: r.ten } : {}), count: Number(r.n) }));
    },

    // --- the refresh -------------------------------------------------------------------

    /** Done packets not yet taken in, oldest first, with their envelopes. */
    async pendingPackets(limit: number): Promise<{ packetId: string; envelope: Buffer }[]> {
      const res = await db.query<{ packet_id: string; envelope: Buffer }>(
        `SELECT p.packet_id::text, p.envelope FROM ${S}.packets p
          WHERE p.status = 'done' AND NOT EXISTS (SELECT 1 FROM ${S}.shared_packets s WHERE s.packet_id = p.packet_id)
          ORDER BY p.completed_at, p.packet_id LIMIT $1`,
        [limit],
      );
      return res.rows.map((r) => ({ packetId: r.packet_id, envelope: r.envelope }));
    },

    /** The versions of these packets the national side accepted, by packet. */
    async acceptedVersions(packetIds: string[]): Promise<{ packetId: string; soDinhDanh: string; approvedAt: Date; operation: string }[]> {
      const res = await db.query<{ packet_id: string; so_dinh_danh: string; approved_at: Date; operation: string }>(
        `SELECT packet_id::text, so_dinh_danh, approved_at, operation FROM ${S}.record_versions
          WHERE packet_id = ANY($1::uuid[]) AND status = 'accepted'`,
        [packetIds],
      );
      return res.rows.map((r) => ({ packetId: r.packet_id, soDinhDanh: r.so_dinh_danh, approvedAt: r.approved_at, operation: r.operation }));
    },

    /**
     * Upserts rows (a newer approvedAt wins; an older one, met late, changes nothing), adds
     * each unit as its own subtree, and marks the packets taken in: one transaction's worth.
     */
    async takeIn(rows: SharedRow[], packetIds: string[]): Promise<number> {
      // The record's JSON text goes in as it is, not parsed and serialised again.
      const json = `[${rows.map((r) => {
        const row = JSON.stringify({
          so_dinh_danh: r.soDinhDanh, unit_code: r.unitCode, status: r.status ?? null, loai_nhan_su: r.loaiNhanSu ?? null,
          ngach: r.ngach ?? null, chuc_danh: r.chucDanh ?? null, vi_tri: r.viTri ?? null, operation: r.operation,
          approved_at: r.approvedAt, packet_id: r.packetId,
        });
        return `${row.slice(0, -1)},"record":${r.record}}`;
      }).join(',')}]`;
      const res = await db.query(
        `INSERT INTO ${S}.shared_records AS s
           (so_dinh_danh, record, unit_code, status, loai_nhan_su, ngach, chuc_danh, vi_tri, operation, approved_at, packet_id)
         SELECT v.so_dinh_danh, v.record, v.unit_code, v.status, v.loai_nhan_su, v.ngach, v.chuc_danh, v.vi_tri, v.operation, v.approved_at, v.packet_id
           FROM json_to_recordset($1::json) AS v(so_dinh_danh text, unit_code text, status text, loai_nhan_su text,
                ngach text, chuc_danh text, vi_tri text, operation text, approved_at timestamptz, packet_id uuid, record json)
         ON CONFLICT (so_dinh_danh) DO UPDATE
           SET record = EXCLUDED.record, unit_code = EXCLUDED.unit_code, status = EXCLUDED.status, loai_nhan_su = EXCLUDED.loai_nhan_su,
               ngach = EXCLUDED.ngach, chuc_danh = EXCLUDED.chuc_danh, vi_tri = EXCLUDED.vi_tri, operation = EXCLUDED.operation,
               approved_at = EXCLUDED.approved_at, packet_id = EXCLUDED.packet_id, refreshed_at = now()
           WHERE s.approved_at < EXCLUDED.approved_at`,
        [json],
      );
      await db.query(
        `INSERT INTO ${S}.share_unit_tree (ancestor, descendant) SELECT DISTINCT u, u FROM unnest($1::text[]) AS u ON CONFLICT DO NOTHING`,
        [[...new Set(rows.map((r) => r.unitCode))]],
      );
      await db.query(`INSERT INTO ${S}.shared_packets (packet_id) SELECT unnest($1::uuid[]) ON CONFLICT DO NOTHING`, [packetIds]);
      return res.rowCount ?? 0;
    },

    /**
     * Withholds the served records of the persons `vendorIds` names (the ones the mapping's
     * person filter leaves out): each moves, whole, to shared_records_withheld. A served record
     * is a person's when the version it was taken in from is theirs, in `source` (a vendor id
     * names a person within one source only). Returns how many moved.
     */
    async withhold(vendorIds: string[], source = 'default'): Promise<number> {
      if (vendorIds.length === 0) return 0;
      const res = await db.query(
        `WITH moved AS (
           DELETE FROM ${S}.shared_records s USING ${S}.record_versions v
            WHERE v.source = $2 AND v.vendor_id = ANY($1::text[]) AND v.packet_id = s.packet_id AND v.so_dinh_danh = s.so_dinh_danh
           RETURNING ${SERVED_COLUMNS.map((c) => `s.${c}`).join(', ')}, v.vendor_id, v.source)
         INSERT INTO ${S}.shared_records_withheld AS w (${COLUMNS}, vendor_id, source)
         SELECT ${COLUMNS}, vendor_id, source FROM moved
         ${NEWER_WINS('w')}`,
        [vendorIds, source],
      );
      return res.rowCount ?? 0;
    },

    /**
     * Serves again the records `source` withheld of every person not in `stillOut` (its filter
     * keeps them now): each moves back, a newer record already served winning. Returns how many moved.
     */
    async restore(stillOut: string[], source = 'default'): Promise<number> {
      const res = await db.query<{ unit_code: string }>(
        `WITH back AS (
           DELETE FROM ${S}.shared_records_withheld w WHERE w.source = $2 AND NOT (w.vendor_id = ANY($1::text[]))
           RETURNING ${COLUMNS})
         INSERT INTO ${S}.shared_records AS s (${COLUMNS})
         SELECT ${COLUMNS} FROM back
         ${NEWER_WINS('s')}
         RETURNING s.unit_code`,
        [stillOut, source],
      );
      // A unit stands for its own subtree even when only a restored person names it.
      await db.query(
        `INSERT INTO ${S}.share_unit_tree (ancestor, descendant) SELECT DISTINCT u, u FROM unnest($1::text[]) AS u ON CONFLICT DO NOTHING`,
        [[...new Set(res.rows.map((r) => r.unit_code))]],
      );
      return res.rowCount ?? 0;
    },

    async refreshState(key: string): Promise<string | undefined> {
      const res = await db.query<{ value: string }>(`SELECT value FROM ${S}.share_refresh_state WHERE key = $1`, [key]);
      return res.rows[0]?.value;
    },

    /** Replaces the unit hierarchy; every served person's unit stays its own subtree. */
    async replaceUnits(units: { code: string; name: string }[], edges: [string, string][], hash: string): Promise<void> {
      await db.query(`DELETE FROM ${S}.share_unit_tree`);
      await db.query(`DELETE FROM ${S}.share_units`);
      await db.query(
        `INSERT INTO ${S}.share_units (agency_code, name) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`,
        [units.map((u) => u.code), units.map((u) => u.name)],
      );
      await db.query(
        `INSERT INTO ${S}.share_unit_tree (ancestor, descendant)
         SELECT * FROM unnest($1::text[], $2::text[])
         UNION SELECT DISTINCT unit_code, unit_code FROM ${S}.shared_records
         ON CONFLICT DO NOTHING`,
        [edges.map((e) => e[0]), edges.map((e) => e[1])],
      );
      await db.query(
        `INSERT INTO ${S}.share_refresh_state (key, value) VALUES ('units_hash', $1)
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
        [hash],
      );
    },
  };
}

export type SharedRecordStore = ReturnType<typeof createSharedRecordStore>;
