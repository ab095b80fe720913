import type { Queryable } from '../db/db.js';
import { ColumnBatch } from './column-batch.js';
import { DemoError } from './demo-error.js';
import type { Ethnicity } from './demo-model.js';
import { DM_DAN_TOC, DM_NGACH } from './demo-tables.js';
import type { RankCatalogue } from './rank-catalogue.js';
import { type Weighted, WeightedPicker } from './seeded-random.js';
import { reserveIds } from './unit-store.js';

/**
 * The vendor's code lists the people refer to. Rows already there (sample.sql's) are reused by
 * name or code; what is missing is added, so people always point to the vendor's own numbering.
 */

/** The vendor's ethnicity list (its own numbering, not the national one), as in sample.sql. */
const VENDOR_ETHNICITIES = [
  'Kinh', 'Tày', 'Thái', 'Mường', 'Khmer', 'Hoa', 'Nùng', 'Mông', 'Dao', 'Gia Rai', 'Ê Đê', 'Ba Na', 'Sán Chay',
  'Chăm', 'Cơ Ho', 'Xơ Đăng', 'Sán Dìu', 'Hrê', 'Ra Glai', 'Mnông', 'Thổ', 'Xtiêng', 'Khơ mú', 'Bru Vân Kiều',
  'Cơ Tu', 'Giáy', 'Tà Ôi', 'Mạ', 'Giẻ-Triêng', 'Co', 'Chơ Ro', 'Xinh Mun', 'Hà Nhì', 'Chu Ru', 'Lào', 'Kháng',
  'La Chí', 'Phù Lá', 'La Hủ', 'La Ha', 'Pà Thẻn', 'Lự', 'Ngái', 'Chứt', 'Lô Lô', 'Mảng', 'Cơ Lao', 'Bố Y', 'Cống',
  'Si La', 'Pu Péo', 'Rơ Măm', 'Brâu', 'Ơ Đu', 'Nước ngoài',
];

/** Shares among the staff of a northern midland province (Vĩnh Phúc: Kinh, Sán Dìu, Mường...). */
const ETHNIC_WEIGHTS: Record<string, number> = {
  Kinh: 860, 'Sán Dìu': 25, Mường: 25, Tày: 25, Thái: 20, Nùng: 15, Dao: 10, Mông: 10, 'Sán Chay': 4, Hoa: 4, Khmer: 2, 'Ê Đê': 1,
};

export async function ensureEthnicities(db: Queryable): Promise<WeightedPicker<Ethnicity>> {
  let rows = (await db.query<{ id: number; ten: string }>('SELECT id, ten FROM qlcb.dm_dan_toc ORDER BY id')).rows;
  if (rows.length === 0) {
    rows = VENDOR_ETHNICITIES.map((ten, i) => ({ id: i + 1, ten }));
    const batch = new ColumnBatch(DM_DAN_TOC);
    for (const r of rows) batch.push([r.id, r.ten]);
    await batch.write(db);
  }
  return ethnicityPicker(new Map(rows.map((r) => [r.ten.normalize('NFC').trim(), r.id])), 'qlcb.dm_dan_toc');
}

/**
 * The weighted ethnicities people are drawn from, by the ids a vendor's list gives their names
 * (`byName`); `table` names that list in the refusal when it lacks 'Kinh'.
 */
export function ethnicityPicker(byName: ReadonlyMap<string, number>, table: string): WeightedPicker<Ethnicity> {
  const items: Weighted<Ethnicity>[] = [];
  for (const [name, weight] of Object.entries(ETHNIC_WEIGHTS)) {
    const id = byName.get(name);
    if (id !== undefined) items.push({ value: { id, name }, weight });
  }
  if (!items.some((i) => i.value.name === 'Kinh')) {
    throw new DemoError('demo.reference_missing', `${table} has rows but no 'Kinh': cannot place generated people`);
  }
  return new WeightedPicker(items);
}

/** dm_ngach ids by code, adding the catalogue's ranks that are missing. */
export async function ensureRanks(db: Queryable, catalogue: RankCatalogue): Promise<Map<string, number>> {
  const rows = (await db.query<{ id: number; ma_ngach: string }>('SELECT id, ma_ngach FROM qlcb.dm_ngach ORDER BY id')).rows;
  const ids = new Map<string, number>();
  for (const r of rows) if (!ids.has(r.ma_ngach.trim())) ids.set(r.ma_ngach.trim(), r.id);
  const missing = [...catalogue.ranks.values()].filter((r) => !ids.has(r.code));
  if (missing.length > 0) {
    const fresh = await reserveIds(db, 'qlcb.dm_ngach', missing.length);
    missing.forEach((r, i) => ids.set(r.code, fresh[i] as number));
    const batch = new ColumnBatch(DM_NGACH);
    for (const r of missing) batch.push([ids.get(r.code), r.code, r.name, r.loai]);
    await batch.write(db);
  }
  return ids;
}
