import { spellingVariants } from '../spellings.js';
import type { RankCatalogue } from '../rank-catalogue.js';

/**
 * The lookup rows of the nhansu vendor (mappings/nhansu/schema.sql), as the vendor ships them:
 * its own codes and its own wording. Generated people are made by the vendor-neutral generator
 * (person-generator.ts) in the words clerks type; here each of those words gets the vendor's
 * code, so every coded value of an employee is a key into a lookup table. Pure and fixed: the
 * same rows in the same order on every run.
 */
export interface LookupRow {
  code: string;
  label: string;
}

/** The shared list lk_item: group -> the words it holds (national wording first, then variants). */
const ITEM_GROUPS: readonly [group: string, prefix: string, field: string, base: readonly string[]][] = [
  ['CHUYEN_MON', 'CM', 'degree', ['Tiến sĩ', 'Thạc sĩ', 'Chuyên khoa cấp I', 'Đại học', 'Cao đẳng', 'Trung cấp', 'Sơ cấp', 'Chưa qua đào tạo', 'Thạc sỹ', 'ĐH', 'Cử nhân']],
  ['CHINH_TRI', 'CT', 'llct', ['Cử nhân', 'Cao cấp', 'Trung cấp', 'Sơ cấp']],
  ['QLNN', 'QL', 'qlnn', ['Chuyên viên cao cấp', 'Chuyên viên chính', 'Chuyên viên', 'Cán sự']],
  ['DANH_GIA', 'DG', 'assessment', ['Hoàn thành xuất sắc nhiệm vụ', 'Hoàn thành tốt nhiệm vụ', 'Hoàn thành nhiệm vụ', 'Không hoàn thành nhiệm vụ', 'HTXSNV', 'HTTNV', 'HTNV']],
];

/** Contract terms: the vendor's wording for XDTH and KXDTH. */
export const CONTRACT_TERMS: Readonly<Record<string, LookupRow>> = {
  XDTH: { code: 'HD01', label: 'HĐLĐ xác định thời hạn' },
  KXDTH: { code: 'HD02', label: 'HĐLĐ không xác định thời hạn' },
};

export interface ItemRow extends LookupRow {
  group: string;
}

export interface ItemCatalogue {
  rows: readonly ItemRow[];
  /** `field:word` -> code (field: degree, llct, qlnn, assessment). */
  codeOf(field: string, word: string): string | undefined;
}

export function itemCatalogue(): ItemCatalogue {
  const variants = spellingVariants();
  const rows: ItemRow[] = [];
  const codes = new Map<string, string>();
  for (const [group, prefix, field, base] of ITEM_GROUPS) {
    const words: string[] = [];
    for (const word of base) {
      words.push(word);
      words.push(...(variants.get(`${field}:${word}`) ?? []));
    }
    for (const word of new Set(words)) {
      const code = `${prefix}${String(rows.filter((r) => r.group === group).length + 1).padStart(2, '0')}`;
      rows.push({ code, label: word, group });
      codes.set(`${field}:${word}`, code);
    }
  }
  for (const term of Object.values(CONTRACT_TERMS)) rows.push({ ...term, group: 'HOP_DONG' });
  return { rows, codeOf: (field, word) => codes.get(`${field}:${word}`) };
}

/**
 * Ethnic groups: the vendor's codes and wording, by the name the person generator knows them by
 * (reference-store.ts). Some labels are spelled the vendor's way ('Việt (Kinh)', "H'Mông").
 */
export const ETHNIC_GROUPS: readonly [code: string, label: string, modelName: string][] = [
  ['VK', 'Việt (Kinh)', 'Kinh'], ['TY', 'Tày', 'Tày'], ['TH', 'Thái', 'Thái'], ['MU', 'Mường', 'Mường'],
  ['KM', 'Khơ-me', 'Khmer'], ['HO', 'Hoa (Hán)', 'Hoa'], ['NU', 'Nùng', 'Nùng'], ['HM', "H'Mông", 'Mông'],
  ['DA', 'Dao', 'Dao'], ['SC', 'Sán Chay', 'Sán Chay'], ['SD', 'Sán Dìu', 'Sán Dìu'], ['ED', 'Ê Đê', 'Ê Đê'],
  ['GR', 'Gia Rai', 'Gia Rai'], ['BN', 'Ba Na', 'Ba Na'], ['NN', 'Người nước ngoài', 'Nước ngoài'],
];

/** Religions: the person generator's words (spellings.ts) collapse onto the vendor's rows. */
export const RELIGIONS: readonly [code: string, label: string, words: readonly string[]][] = [
  ['PG', 'Phật giáo', ['Phật giáo', 'Phật', 'Đạo Phật', 'Phat giao']],
  ['TC', 'Thiên Chúa giáo', ['Công giáo', 'Thiên chúa giáo', 'Đạo Thiên Chúa', 'Cong giao']],
  ['TL', 'Tin Lành', ['Tin lành', 'Đạo Tin Lành', 'Tin Lanh']],
  ['CD', 'Cao Đài', ['Cao đài', 'Đạo Cao Đài', 'Cao Dai']],
  ['HH', 'Hòa Hảo', []],
  ['KO', 'Không', ['Không', 'Không tôn giáo', 'Không theo tôn giáo nào', 'Khong']],
];

/** Staff kinds by the generator's loai_can_bo. */
export const STAFF_KINDS: Readonly<Record<string, LookupRow>> = {
  CB: { code: '1', label: 'Cán bộ' },
  CC: { code: '2', label: 'Công chức' },
  VC: { code: '3', label: 'Viên chức' },
  HD: { code: '4', label: 'Hợp đồng lao động' },
};

/** Work statuses by the generator's trang_thai; `working`: still in service in the province. */
export const WORK_STATUSES: Readonly<Record<string, LookupRow & { working: boolean }>> = {
  DANG_LAM: { code: 'DL', label: 'Đang làm việc', working: true },
  NGHI_HUU: { code: 'NH', label: 'Nghỉ hưu', working: false },
  THOI_VIEC: { code: 'NV', label: 'Nghỉ việc', working: false },
  CHUYEN_DI: { code: 'CD', label: 'Chuyển công tác', working: false },
  TU_TRAN: { code: 'TT', label: 'Đã mất', working: false },
};

export interface GradeRow {
  code: string;
  title: string;
  family: 'C' | 'P';
}

export function gradeRows(ranks: RankCatalogue): GradeRow[] {
  return [...ranks.ranks.values()].map((r) => ({ code: r.code, title: r.name, family: r.loai === 'CC' ? 'C' : 'P' }));
}
