import { DemoError } from '../demo-error.js';
import type { GeneratedPerson, HistoryRow } from '../demo-model.js';
import { SeededRandom } from '../seeded-random.js';
import { CONTRACT_TERMS, type ItemCatalogue, RELIGIONS, STAFF_KINDS, WORK_STATUSES } from './nhansu-catalogue.js';
import type { NhansuHistoryTable } from './nhansu-tables.js';

/**
 * One generated person in the nhansu vendor's shapes (mappings/nhansu/schema.sql): the person
 * is made by the vendor-neutral generator (person-generator.ts, so both vendors hold the same
 * people for the same seed), then written the way nhansu stores them: coded values as lookup
 * codes, text dates as DATE plus a precision, periods of study as years, citizen ids typed with
 * separators, approvals without a unit (the unit is on the person), and a few rows soft-deleted.
 * Pure: the same person and seed give the same rows.
 */
export type NhansuQuirk = 'citizen_id_separators' | 'soft_deleted';

export interface NhansuPerson {
  /** Values in the column order of EMPLOYEE (nhansu-tables.ts). */
  employee: unknown[];
  history: Record<NhansuHistoryTable, HistoryRow[]>;
  quirks: Set<NhansuQuirk>;
  deleted: boolean;
}

export interface NhansuCodes {
  items: ItemCatalogue;
  /** The vendor's ethnic code by the generator's ethnicity id. */
  ethnicCode: ReadonlyMap<number, string>;
  /** The grade code by the generator's rank id. */
  gradeCode: ReadonlyMap<number, string>;
}

/** Share of employee rows removed in the software (kept, flagged is_deleted). */
export const DELETED_RATE = 0.02;

const RELIGION_CODE = new Map(RELIGIONS.flatMap(([code, , words]) => words.map((w) => [w, code] as const)));

/** 'dd/mm/yyyy' with '00' parts -> ISO date and its precision (D, M, Y). */
export function precisionDate(text: string): [iso: string, precision: 'D' | 'M' | 'Y'] {
  const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  if (!m) throw new DemoError('demo.options_invalid', `not a dd/mm/yyyy date: ${text}`);
  const [, d, mo, y] = m as unknown as [string, string, string, string];
  if (mo === '00') return [`${y}-01-01`, 'Y'];
  if (d === '00') return [`${y}-${mo}-01`, 'M'];
  return [`${y}-${mo}-${d}`, 'D'];
}

/** A qlcb period ('mm/yyyy', 'yyyy', '00/yyyy', '' or null) -> ISO date (1st) and whether only its year is known. */
function periodDate(text: unknown): { iso: string; yearOnly: boolean } | undefined {
  if (typeof text !== 'string' || text === '') return undefined;
  const m = /^(?:(\d{2})\/)?(\d{4})$/.exec(text);
  if (!m) throw new DemoError('demo.options_invalid', `not a period: ${text}`);
  const month = m[1] && m[1] !== '00' ? m[1] : undefined;
  return { iso: `${m[2]}-${month ?? '01'}-01`, yearOnly: month === undefined };
}

function yearOfPeriod(text: unknown): number | null {
  return typeof text === 'string' && /\d{4}$/.test(text) ? Number(text.slice(-4)) : null;
}

/** A CCCD as clerks type it from the card: mostly plain, else grouped 3-3-6 with spaces, dots or dashes. */
function typedCitizenId(rng: SeededRandom, id: string, quirks: Set<NhansuQuirk>): string {
  if (id.length !== 12) return id;
  const roll = rng.next();
  const separator = roll < 0.2 ? ' ' : roll < 0.3 ? '.' : roll < 0.35 ? '-' : undefined;
  if (separator === undefined) return id;
  quirks.add('citizen_id_separators');
  return [id.slice(0, 3), id.slice(3, 6), id.slice(6)].join(separator);
}

function required(value: string | undefined, what: string): string {
  if (value === undefined) throw new DemoError('demo.reference_missing', `nhansu has no lookup row for ${what}`);
  return value;
}

export function toNhansu(person: GeneratedPerson, codes: NhansuCodes, seed: number, index: number, approverOrgId: number): NhansuPerson {
  // Its own stream: the vendor-neutral person is drawn exactly as for qlcb.
  const rng = new SeededRandom(seed ^ 0x6e68616e, index);
  const quirks = new Set<NhansuQuirk>();
  const c = person.canBo;
  const item = (field: string, word: string | null): string | null =>
    word === null || word === '' ? null : required(codes.items.codeOf(field, word), `${field} '${word}'`);
  const [dob, dobPrecision] = precisionDate(c.ngay_sinh);
  const religion = c.ton_giao === null || c.ton_giao === '' ? null : required(RELIGION_CODE.get(c.ton_giao), `religion '${c.ton_giao}'`);
  const deleted = rng.chance(DELETED_RATE);
  if (deleted) quirks.add('soft_deleted');

  const employee = [
    c.id, `NS-${String(c.id).padStart(7, '0')}`, c.ho_ten, dob, dobPrecision, c.gioi_tinh === 1 ? 'M' : 'F',
    typedCitizenId(rng, c.so_cccd, quirks), c.ngay_cap_cccd, c.dien_thoai, c.so_bhxh,
    c.noi_sinh, c.noi_sinh_tinh, c.que_quan, c.que_quan_tinh, c.noi_o_hien_nay,
    required(codes.ethnicCode.get(c.dan_toc_id), `ethnicity ${c.dan_toc_id}`), religion, STAFF_KINDS[c.loai_can_bo]!.code, c.don_vi_id, approverOrgId,
    c.ngay_tuyen_dung, c.co_quan_tuyen_dung, c.ngay_vao_co_quan, c.chuc_vu, c.ngay_bo_nhiem,
    c.vi_tri_viec_lam, c.ngach_id === null ? null : required(codes.gradeCode.get(c.ngach_id), `rank ${c.ngach_id}`), c.bac_luong, c.he_so_luong, c.ngay_huong_luong,
    c.phan_tram_huong, c.pc_tham_nien_vk, c.pc_chuc_vu, c.ngay_vao_dang,
    c.ngay_chinh_thuc, c.trinh_do_pho_thong, item('degree', c.trinh_do_chuyen_mon), item('llct', c.ly_luan_chinh_tri), item('qlnn', c.quan_ly_nha_nuoc),
    c.suc_khoe, c.chieu_cao, c.can_nang, c.nhom_mau, WORK_STATUSES[c.trang_thai]!.code,
    c.ngay_nghi, deleted, c.ngay_cap_nhat,
  ];

  const h = person.history;
  const career = h.qua_trinh_cong_tac.map(([from, to, place, role]) => {
    const start = periodDate(from);
    const end = periodDate(to);
    // One precision for the period: a year-only end makes the whole period year-only.
    const yearOnly = (start?.yearOnly ?? false) || (end?.yearOnly ?? false);
    const iso = (p: typeof start) => (p === undefined ? null : yearOnly ? `${p.iso.slice(0, 4)}-01-01` : p.iso);
    return [iso(start), iso(end), yearOnly ? 'Y' : 'M', place, role];
  });
  return {
    employee,
    quirks,
    deleted,
    history: {
      career,
      schooling_record: h.dao_tao.map(([from, to, school, major, mode, diploma]) => [yearOfPeriod(from), yearOfPeriod(to), school, major, mode, diploma]),
      language_cert: h.ngoai_ngu.map((r) => [...r]),
      honour: h.khen_thuong.map((r) => [...r]),
      sanction: h.ky_luat.map((r) => [...r]),
      yearly_review: h.danh_gia.map(([year, grade]) => [year, item('assessment', grade as string)]),
      kin: h.quan_he_gia_dinh.map((r) => [...r]),
      work_contract: h.hop_dong.map(([ref, kind, signed, starts, ends, duties, pay]) =>
        [ref, required(CONTRACT_TERMS[kind as string]?.code, `contract term ${String(kind)}`), signed, starts, ends, duties, pay]),
      record_review: h.phe_duyet.map(([status, approver, , at, note]) =>
        [status === 'DA_DUYET' ? 'A' : status === 'TU_CHOI' ? 'R' : 'P', approver, at, note]),
    },
  };
}
