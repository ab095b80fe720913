import type { QuirkName } from './quirks.js';
import type { RankCatalogue, WorkplaceKind } from './rank-catalogue.js';
import type { WeightedPicker } from './seeded-random.js';

/** A unit of qlcb.dm_don_vi as the generator sees it. */
export interface Workplace {
  id: number;
  code: string | null;
  name: string;
  kind: WorkplaceKind;
  active: boolean;
  /** The unit above; approvals are made there (or at the unit itself for top units). */
  parentId: number | null;
}

export interface Ethnicity {
  id: number;
  name: string;
}

/** Everything a person is generated from, besides their own random stream. */
export interface GenerationContext {
  seed: number;
  /** Reference date 'YYYY-MM-DD': nothing generated lies after it. */
  today: string;
  workplaces: WeightedPicker<Workplace>;
  closedUnits: readonly Workplace[];
  ethnicities: WeightedPicker<Ethnicity>;
  ranks: RankCatalogue;
  /** dm_ngach.id by ma_ngach. */
  rankIds: ReadonlyMap<string, number>;
}

/** One qlcb.can_bo row; keys are the column names. */
export interface CanBoRow {
  id: number;
  ma_can_bo: string;
  ho_ten: string;
  ngay_sinh: string;
  gioi_tinh: 0 | 1;
  so_cccd: string;
  ngay_cap_cccd: string;
  dien_thoai: string | null;
  so_bhxh: string | null;
  noi_sinh: string;
  noi_sinh_tinh: string;
  que_quan: string;
  que_quan_tinh: string;
  noi_o_hien_nay: string;
  dan_toc_id: number;
  ton_giao: string | null;
  loai_can_bo: 'CB' | 'CC' | 'VC' | 'HD';
  don_vi_id: number;
  ngay_tuyen_dung: string;
  co_quan_tuyen_dung: string;
  ngay_vao_co_quan: string;
  chuc_vu: string | null;
  ngay_bo_nhiem: string | null;
  vi_tri_viec_lam: string;
  ngach_id: number | null;
  bac_luong: number | null;
  he_so_luong: number | null;
  ngay_huong_luong: string | null;
  phan_tram_huong: number;
  pc_tham_nien_vk: number | null;
  pc_chuc_vu: number | null;
  ngay_vao_dang: string | null;
  ngay_chinh_thuc: string | null;
  trinh_do_pho_thong: string;
  trinh_do_chuyen_mon: string;
  ly_luan_chinh_tri: string | null;
  quan_ly_nha_nuoc: string | null;
  suc_khoe: string;
  chieu_cao: number;
  can_nang: number;
  nhom_mau: string | null;
  trang_thai: 'DANG_LAM' | 'NGHI_HUU' | 'THOI_VIEC' | 'CHUYEN_DI' | 'TU_TRAN';
  ngay_nghi: string | null;
  ngay_cap_nhat: string;
}

/** History rows as positional values in the column order of demo-tables.ts (without can_bo_id). */
export type HistoryRow = readonly unknown[];

export interface PersonHistory {
  qua_trinh_cong_tac: HistoryRow[];
  dao_tao: HistoryRow[];
  ngoai_ngu: HistoryRow[];
  khen_thuong: HistoryRow[];
  ky_luat: HistoryRow[];
  danh_gia: HistoryRow[];
  quan_he_gia_dinh: HistoryRow[];
  hop_dong: HistoryRow[];
  phe_duyet: HistoryRow[];
}

export interface GeneratedPerson {
  canBo: CanBoRow;
  history: PersonHistory;
  quirks: Set<QuirkName>;
  /** True when the latest phe_duyet row is DA_DUYET. */
  approved: boolean;
}
