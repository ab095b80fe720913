import type { Db, Queryable } from '../db/db.js';

/**
 * The provincial side of a transfer: the vendor's units and staff (read) and its integration
 * table qlcb.tiep_nhan_chuyen_den (schema.sql), the only table the gateway writes there. A
 * row waiting for the unit (CHO_TIEP_NHAN) is refreshed by a repeat pull, never doubled: the
 * vendor's table has no unique key, so a transaction-level advisory lock on the person
 * serialises two pulls of the same person (also across gateway processes).
 */
export interface VendorUnit {
  id: number;
  active: boolean;
  /** The agency code of the unit that replaced a closed one, when it has one. */
  successor: string | undefined;
}

/** The unit carrying an agency code, an active one first when a closed one shares the code. */
export async function findUnit(q: Queryable, agencyCode: string): Promise<VendorUnit | undefined> {
  const res = await q.query(
    `SELECT u.id, u.con_hoat_dong, s.ma_dinh_danh AS successor
       FROM qlcb.dm_don_vi u LEFT JOIN qlcb.dm_don_vi s ON s.id = u.thay_the_boi_id
      WHERE u.ma_dinh_danh = $1 ORDER BY u.con_hoat_dong DESC, u.id LIMIT 1`,
    [agencyCode],
  );
  const row = res.rows[0];
  if (!row) return undefined;
  return { id: Number(row.id), active: row.con_hoat_dong === true, successor: row.successor ?? undefined };
}

/** Whether the person works in this province now (qlcb.can_bo, trang_thai DANG_LAM). */
export async function isActiveHere(q: Queryable, soDinhDanh: string): Promise<boolean> {
  const res = await q.query(`SELECT 1 FROM qlcb.can_bo WHERE so_cccd = $1 AND trang_thai = 'DANG_LAM' LIMIT 1`, [soDinhDanh]);
  return res.rows.length > 0;
}

export interface StagedRow {
  id: string;
  /** True when an existing CHO_TIEP_NHAN row was refreshed rather than a new one added. */
  refreshed: boolean;
}

export async function stageRecord(db: Db, row: { soDinhDanh: string; unitId: number; hoSo: Record<string, unknown> }): Promise<StagedRow> {
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('csdl_gateway.tiep_nhan:' || $1))`, [row.soDinhDanh]);
    const waiting = await tx.query(
      `SELECT id FROM qlcb.tiep_nhan_chuyen_den
        WHERE so_cccd = $1 AND don_vi_nhan_id = $2 AND trang_thai = 'CHO_TIEP_NHAN' ORDER BY id DESC LIMIT 1 FOR UPDATE`,
      [row.soDinhDanh, row.unitId],
    );
    const hoSo = JSON.stringify(row.hoSo);
    if (waiting.rows[0]) {
      const id = String(waiting.rows[0].id);
      await tx.query(
        `UPDATE qlcb.tiep_nhan_chuyen_den SET ho_so = $2::jsonb, nguon = 'CSDL_QUOC_GIA', thoi_diem_nhan = now() WHERE id = $1`,
        [id, hoSo],
      );
      return { id, refreshed: true };
    }
    const inserted = await tx.query(
      `INSERT INTO qlcb.tiep_nhan_chuyen_den (so_cccd, don_vi_nhan_id, ho_so, nguon, trang_thai)
       VALUES ($1, $2, $3::jsonb, 'CSDL_QUOC_GIA', 'CHO_TIEP_NHAN') RETURNING id`,
      [row.soDinhDanh, row.unitId, hoSo],
    );
    return { id: String(inserted.rows[0]?.id), refreshed: false };
  });
}

/** The vendor's trang_thai of staged rows, by id. */
export async function stagingStates(q: Queryable, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const res = await q.query(`SELECT id, trang_thai FROM qlcb.tiep_nhan_chuyen_den WHERE id = ANY($1::bigint[])`, [ids]);
  return new Map(res.rows.map((r) => [String(r.id), String(r.trang_thai)]));
}
