import type { TableSpec } from './column-batch.js';

/**
 * The vendor tables the generator fills, with the types their values are sent as. History
 * rows are built positionally in this column order, after the id and can_bo_id that the
 * writer puts first. The code lists (dm_*) get only the rows the people need that are missing.
 */
export const DM_DON_VI: TableSpec = {
  table: 'qlcb.dm_don_vi',
  columns: [
    ['id', 'int'], ['ma_dinh_danh', 'text'], ['ten_don_vi', 'text'], ['cap', 'smallint'], ['don_vi_cha_id', 'int'],
    ['con_hoat_dong', 'boolean'], ['thay_the_boi_id', 'int'],
  ],
};

export const DM_DAN_TOC: TableSpec = { table: 'qlcb.dm_dan_toc', columns: [['id', 'int'], ['ten', 'text']] };

export const DM_NGACH: TableSpec = {
  table: 'qlcb.dm_ngach',
  columns: [['id', 'int'], ['ma_ngach', 'text'], ['ten_ngach', 'text'], ['loai', 'text']],
};

export const CAN_BO: TableSpec = {
  table: 'qlcb.can_bo',
  columns: [
    ['id', 'int'], ['ma_can_bo', 'text'], ['ho_ten', 'text'], ['ngay_sinh', 'text'], ['gioi_tinh', 'smallint'],
    ['so_cccd', 'text'], ['ngay_cap_cccd', 'date'], ['dien_thoai', 'text'], ['so_bhxh', 'text'],
    ['noi_sinh', 'text'], ['noi_sinh_tinh', 'text'], ['que_quan', 'text'], ['que_quan_tinh', 'text'],
    ['noi_o_hien_nay', 'text'], ['dan_toc_id', 'int'], ['ton_giao', 'text'], ['loai_can_bo', 'text'],
    ['don_vi_id', 'int'], ['ngay_tuyen_dung', 'date'], ['co_quan_tuyen_dung', 'text'], ['ngay_vao_co_quan', 'date'],
    ['chuc_vu', 'text'], ['ngay_bo_nhiem', 'date'], ['vi_tri_viec_lam', 'text'], ['ngach_id', 'int'],
    ['bac_luong', 'smallint'], ['he_so_luong', 'numeric'], ['ngay_huong_luong', 'date'], ['phan_tram_huong', 'numeric'],
    ['pc_tham_nien_vk', 'numeric'], ['pc_chuc_vu', 'numeric'], ['ngay_vao_dang', 'date'], ['ngay_chinh_thuc', 'date'],
    ['trinh_do_pho_thong', 'text'], ['trinh_do_chuyen_mon', 'text'], ['ly_luan_chinh_tri', 'text'],
    ['quan_ly_nha_nuoc', 'text'], ['suc_khoe', 'text'], ['chieu_cao', 'int'], ['can_nang', 'int'], ['nhom_mau', 'text'],
    ['trang_thai', 'text'], ['ngay_nghi', 'date'], ['ngay_cap_nhat', 'timestamptz'],
  ],
};

export const HISTORY_TABLES = {
  qua_trinh_cong_tac: {
    table: 'qlcb.qua_trinh_cong_tac',
    columns: [['id', 'int'], ['can_bo_id', 'int'], ['tu_ngay', 'text'], ['den_ngay', 'text'], ['don_vi', 'text'], ['chuc_vu', 'text']],
  },
  dao_tao: {
    table: 'qlcb.dao_tao',
    columns: [['id', 'int'], ['can_bo_id', 'int'], ['tu_ngay', 'text'], ['den_ngay', 'text'], ['co_so', 'text'], ['chuyen_nganh', 'text'], ['hinh_thuc', 'text'], ['van_bang', 'text']],
  },
  ngoai_ngu: { table: 'qlcb.ngoai_ngu', columns: [['id', 'int'], ['can_bo_id', 'int'], ['ten', 'text'], ['trinh_do', 'text']] },
  khen_thuong: {
    table: 'qlcb.khen_thuong',
    columns: [['id', 'int'], ['can_bo_id', 'int'], ['nam', 'int'], ['hinh_thuc', 'text'], ['cap_quyet_dinh', 'text']],
  },
  ky_luat: { table: 'qlcb.ky_luat', columns: [['id', 'int'], ['can_bo_id', 'int'], ['nam', 'int'], ['hinh_thuc', 'text'], ['ly_do', 'text']] },
  danh_gia: { table: 'qlcb.danh_gia', columns: [['id', 'int'], ['can_bo_id', 'int'], ['nam', 'int'], ['xep_loai', 'text']] },
  quan_he_gia_dinh: {
    table: 'qlcb.quan_he_gia_dinh',
    columns: [['id', 'int'], ['can_bo_id', 'int'], ['quan_he', 'text'], ['ho_ten', 'text'], ['nam_sinh', 'int'], ['thong_tin', 'text']],
  },
  hop_dong: {
    table: 'qlcb.hop_dong',
    columns: [
      ['id', 'int'], ['can_bo_id', 'int'], ['so_hop_dong', 'text'], ['loai', 'text'], ['ngay_ky', 'date'], ['tu_ngay', 'date'],
      ['den_ngay', 'date'], ['cong_viec', 'text'], ['muc_luong', 'bigint'],
    ],
  },
  // Rows of one person are written in round order: the latest row (highest id) is their state.
  phe_duyet: {
    table: 'qlcb.phe_duyet',
    columns: [
      ['id', 'int'], ['can_bo_id', 'int'], ['trang_thai', 'text'], ['nguoi_duyet', 'text'], ['don_vi_duyet_id', 'int'],
      ['thoi_diem_duyet', 'timestamptz'], ['ghi_chu', 'text'],
    ],
  },
} as const satisfies Record<string, TableSpec>;

export type HistoryTable = keyof typeof HISTORY_TABLES;
