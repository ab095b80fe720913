import type { CanBoRow } from './demo-model.js';
import type { QuirkName } from './quirks.js';
import type { Rank, WorkplaceKind } from './rank-catalogue.js';
import type { SeededRandom } from './seeded-random.js';
import { typedAs } from './spellings.js';

/** Share of code-list values typed in one of the variants of spellings.ts. */
export const SPELLING_RATE = 0.06;

/**
 * Free-text fields of a person, typed the way clerks type them: mostly the national wording,
 * sometimes the variants listed in schema.sql ('Thạc sỹ', 'ĐH', 'Cử nhân', '', 'Phật').
 */
type Education = Pick<CanBoRow, 'trinh_do_pho_thong' | 'trinh_do_chuyen_mon' | 'ly_luan_chinh_tri' | 'quan_ly_nha_nuoc'>;

export function education(
  rng: SeededRandom,
  rank: Rank | undefined,
  loai: CanBoRow['loai_can_bo'],
  birthYear: number,
  party: boolean,
  quirks: Set<QuirkName>,
): Education {
  let phoThong = birthYear < 1975 && rng.chance(0.3) ? '10/10' : '12/12';
  if (rng.chance(0.03)) {
    phoThong = phoThong === '12/12' ? '12' : '10';
    quirks.add('general_education_short');
  }
  const group = rank?.nhomLuong ?? 'HD';
  let level: string;
  if (/^A[23]/.test(group)) level = rng.chance(0.15) ? 'Tiến sĩ' : rng.chance(0.6) ? 'Thạc sĩ' : 'Đại học';
  else if (group === 'A1') level = rank?.code.startsWith('V.08.01') && rng.chance(0.3) ? 'Chuyên khoa cấp I' : rng.chance(0.2) ? 'Thạc sĩ' : 'Đại học';
  else if (group === 'A0') level = rng.chance(0.7) ? 'Cao đẳng' : 'Đại học';
  else if (group === 'B') level = rng.chance(0.6) ? 'Trung cấp' : 'Cao đẳng';
  else if (group === 'C1') level = rng.chance(0.7) ? 'Trung cấp' : 'Sơ cấp';
  else level = rng.pick(['Trung cấp', 'Sơ cấp', 'Chưa qua đào tạo', 'Cao đẳng']);
  if ((level === 'Thạc sĩ' || level === 'Đại học') && rng.chance(0.12)) {
    level = level === 'Thạc sĩ' ? 'Thạc sỹ' : rng.pick(['ĐH', 'Cử nhân']);
    quirks.add('qualification_free_text');
  }

  let llct: string | null = null;
  if (party) llct = rng.pick(['Sơ cấp', 'Sơ cấp', 'Trung cấp', 'Trung cấp', 'Cao cấp', 'Cử nhân']);
  else if (rng.chance(0.2)) llct = 'Sơ cấp';
  let qlnn: string | null = null;
  if (loai === 'CB' || loai === 'CC') {
    qlnn = /^A3/.test(group) ? 'Chuyên viên cao cấp' : /^A2/.test(group) ? 'Chuyên viên chính' : group === 'A1' ? 'Chuyên viên' : group === 'B' ? 'Cán sự' : null;
    if (qlnn && rng.chance(0.25)) qlnn = null;
  }
  // An empty string where nothing was entered, as the vendor software sometimes saves it.
  if (llct === null && rng.chance(0.15)) {
    llct = '';
    quirks.add('empty_free_text');
  }
  if (qlnn === null && loai !== 'HD' && rng.chance(0.05)) {
    qlnn = '';
    quirks.add('empty_free_text');
  }
  // Some values typed the way clerks do ('Trung cấp LLCT', 'CVC', 'Tiến sỹ'): spellings.ts.
  return {
    trinh_do_pho_thong: phoThong,
    trinh_do_chuyen_mon: typedAs(rng, 'degree', level, SPELLING_RATE, quirks),
    ly_luan_chinh_tri: llct && typedAs(rng, 'llct', llct, SPELLING_RATE, quirks),
    quan_ly_nha_nuoc: qlnn && typedAs(rng, 'qlnn', qlnn, SPELLING_RATE, quirks),
  };
}

export function religion(rng: SeededRandom, ethnicity: string, quirks: Set<QuirkName>): string | null {
  const roll = rng.next();
  if (ethnicity === 'Khmer' && roll < 0.8) return 'Phật giáo';
  if (roll < 0.08) {
    quirks.add('religion_empty');
    return rng.chance(0.5) ? null : '';
  }
  if (roll < 0.11) {
    quirks.add('religion_short');
    return 'Phật';
  }
  const faith = roll < 0.17 ? 'Phật giáo' : roll < 0.22 ? 'Công giáo' : roll < 0.235 ? 'Tin lành' : roll < 0.24 ? 'Cao đài' : 'Không';
  return typedAs(rng, 'religion', faith, SPELLING_RATE, quirks);
}

/** Applies the name quirks: NFD, capitals, doubled spaces (schema.sql). */
export function styleName(rng: SeededRandom, name: string, quirks: Set<QuirkName>): string {
  let styled = name;
  if (rng.chance(0.03)) {
    styled = styled.toLocaleUpperCase('vi');
    quirks.add('name_upper');
  }
  if (rng.chance(0.03)) {
    styled = styled.replace(/ /g, () => (rng.chance(0.5) ? '  ' : ' '));
    if (!styled.includes('  ')) styled = styled.replace(' ', '  ');
    quirks.add('name_double_space');
  }
  if (rng.chance(0.04)) {
    styled = styled.normalize('NFD');
    // A name without diacritics is the same in NFD; only count the quirk when it shows.
    if (styled !== styled.normalize('NFC')) quirks.add('name_nfd');
  }
  return styled;
}

export interface Title {
  name: string;
  allowance: number;
}

const TITLES: Partial<Record<WorkplaceKind, [string, number][]>> = {
  school_th: [['Hiệu trưởng', 0.35], ['Phó Hiệu trưởng', 0.25], ['Tổ trưởng chuyên môn', 0.2]],
  school_thcs: [['Hiệu trưởng', 0.4], ['Phó Hiệu trưởng', 0.3], ['Tổ trưởng chuyên môn', 0.2]],
  school_mn: [['Hiệu trưởng', 0.35], ['Phó Hiệu trưởng', 0.25]],
  college: [['Trưởng khoa', 0.45], ['Phó Trưởng khoa', 0.35], ['Hiệu trưởng', 0.7]],
  hospital: [['Trưởng khoa', 0.5], ['Phó Trưởng khoa', 0.4], ['Điều dưỡng trưởng', 0.3], ['Giám đốc', 0.9]],
  health_station: [['Trạm trưởng', 0.3]],
  commune: [['Trưởng phòng', 0.3], ['Phó Trưởng phòng', 0.2]],
};
const OFFICE_TITLES: [string, number][] = [['Trưởng phòng', 0.6], ['Phó Trưởng phòng', 0.4], ['Phó Giám đốc', 0.8], ['Giám đốc', 1.0]];
const CB_TITLES: [string, number][] = [['Chủ tịch UBND', 0.7], ['Phó Chủ tịch UBND', 0.6], ['Chủ tịch HĐND', 0.7], ['Bí thư Đảng ủy', 0.8]];

/** A leadership post for some people; cán bộ (elected) always hold one. */
export function leadershipTitle(rng: SeededRandom, kind: WorkplaceKind, loai: CanBoRow['loai_can_bo']): Title | undefined {
  if (loai === 'HD') return undefined;
  const list = loai === 'CB' ? CB_TITLES : (TITLES[kind] ?? OFFICE_TITLES);
  if (loai !== 'CB' && !rng.chance(0.1)) return undefined;
  const [name, allowance] = rng.pick(list);
  return { name, allowance };
}

export function workTitle(kind: WorkplaceKind, loai: CanBoRow['loai_can_bo'], rank: Rank | undefined): string {
  if (loai === 'HD') return 'Nhân viên hợp đồng';
  if (kind.startsWith('school')) return 'Giáo viên';
  if (kind === 'college') return 'Giảng viên';
  if (rank?.code.startsWith('V.08.01')) return 'Bác sĩ';
  if (rank?.code.startsWith('V.08.05')) return 'Điều dưỡng';
  if (rank?.code.startsWith('V.08.06')) return 'Hộ sinh';
  if (rank?.code.startsWith('06.')) return 'Kế toán';
  if (rank?.code.startsWith('04.')) return 'Thanh tra viên';
  if (rank?.code.startsWith('02.')) return 'Văn thư';
  return 'Chuyên viên';
}
