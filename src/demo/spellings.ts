import type { QuirkName } from './quirks.js';
import type { SeededRandom } from './seeded-random.js';

/**
 * How clerks type the values of the code-list columns besides the national wording: the
 * abbreviations and variants of Vietnamese HR databases (LLCT, QLNN, CVC, ThS, 'Xuất sắc',
 * 'Thiên chúa giáo', no diacritics...). Generated people carry some of them, so the demo
 * exercises the shipped synonym tables (mappings/qlcb/codes.json), which must know every one:
 * a generated person is never refused for a spelling.
 */
const VARIANTS: Readonly<Record<string, readonly string[]>> = {
  // ly_luan_chinh_tri
  'llct:Sơ cấp': ['Sơ cấp LLCT', 'Sơ cấp lý luận chính trị', 'Sơ cấp chính trị', 'SC'],
  'llct:Trung cấp': ['Trung cấp LLCT', 'Trung cấp lý luận chính trị', 'Trung cấp chính trị', 'TC LLCT', 'Trung cap LLCT'],
  'llct:Cao cấp': ['Cao cấp LLCT', 'Cao cấp lý luận chính trị', 'Cao cấp chính trị', 'CC LLCT'],
  'llct:Cử nhân': ['Cử nhân chính trị', 'Cử nhân LLCT', 'Cử nhân lý luận chính trị'],
  // quan_ly_nha_nuoc
  'qlnn:Chuyên viên cao cấp': ['CVCC', 'Chuyên viên cao cấp QLNN', 'QLNN ngạch chuyên viên cao cấp'],
  'qlnn:Chuyên viên chính': ['CVC', 'Chuyên viên chính QLNN', 'QLNN ngạch chuyên viên chính', 'Chuyen vien chinh'],
  'qlnn:Chuyên viên': ['CV', 'Chuyên viên QLNN', 'QLNN ngạch chuyên viên'],
  'qlnn:Cán sự': ['Cán sự QLNN', 'CS'],
  // trinh_do_chuyen_mon
  'degree:Tiến sĩ': ['Tiến sỹ', 'TS', 'TS.'],
  'degree:Thạc sĩ': ['Thạc sỹ', 'ThS', 'Th.S', 'Thac si'],
  'degree:Đại học': ['ĐH', 'Cử nhân', 'Đại học chính quy', 'Đại học tại chức', 'Dai hoc'],
  'degree:Cao đẳng': ['CĐ', 'Cao đẳng sư phạm', 'Cao dang'],
  'degree:Trung cấp': ['TC', 'Trung cấp chuyên nghiệp', 'TCCN'],
  'degree:Sơ cấp': ['Sơ cấp nghề'],
  'degree:Chuyên khoa cấp I': ['CKI', 'Bác sĩ chuyên khoa I', 'BSCKI'],
  // danh_gia.xep_loai
  'assessment:Hoàn thành xuất sắc nhiệm vụ': ['Xuất sắc', 'Hoàn thành xuất sắc NV', 'HTXS'],
  'assessment:Hoàn thành tốt nhiệm vụ': ['Hoàn thành tốt NV', 'Tốt', 'HTT'],
  'assessment:Hoàn thành nhiệm vụ': ['Hoàn thành NV'],
  // ton_giao
  'religion:Phật giáo': ['Đạo Phật', 'Phat giao'],
  'religion:Công giáo': ['Thiên chúa giáo', 'Đạo Thiên Chúa', 'Cong giao'],
  'religion:Tin lành': ['Đạo Tin Lành', 'Tin Lanh'],
  'religion:Cao đài': ['Đạo Cao Đài', 'Cao Dai'],
  'religion:Không': ['Không tôn giáo', 'Không theo tôn giáo nào', 'Khong'],
};

export type SpellingField = 'llct' | 'qlnn' | 'degree' | 'assessment' | 'religion';

/** Every variant the generator may type, per field and national wording (for tests). */
export function spellingVariants(): ReadonlyMap<string, readonly string[]> {
  return new Map(Object.entries(VARIANTS));
}

/** `value`, or with chance `rate` one of the variants clerks type for it (quirk spelling_variant). */
export function typedAs(rng: SeededRandom, field: SpellingField, value: string, rate: number, quirks: Set<QuirkName>): string {
  const variants = VARIANTS[`${field}:${value}`];
  if (!variants || !rng.chance(rate)) return value;
  quirks.add('spelling_variant');
  return rng.pick(variants);
}
