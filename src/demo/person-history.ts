import { isoDate, monthOf, vendorMonth, yearOf } from './demo-dates.js';
import type { CanBoRow, HistoryRow, PersonHistory, Workplace } from './demo-model.js';
import type { QuirkName } from './quirks.js';
import type { Rank } from './rank-catalogue.js';
import { SPELLING_RATE } from './person-traits.js';
import { typedAs } from './spellings.js';
import type { SeededRandom } from './seeded-random.js';
import { generateName } from './vietnamese-names.js';

/**
 * The history tables of one person (rows without can_bo_id, in the column order of
 * demo-tables.ts). Periods are the vendor's text 'mm/yyyy', sometimes 'yyyy' or '00/yyyy';
 * an open period ends with '' or NULL.
 */
export interface HistoryInput {
  unit: Workplace;
  recruitM: number;
  endM: number;
  birthYear: number;
  sex: 0 | 1;
  rank: Rank | undefined;
  loai: CanBoRow['loai_can_bo'];
  status: CanBoRow['trang_thai'];
  title: { name: string } | undefined;
  today: number;
}

const PRIOR_UNITS = [
  'UBND huyện Bình Xuyên', 'UBND thành phố Vĩnh Yên', 'UBND huyện Tam Dương', 'UBND huyện Lập Thạch',
  'Phòng Giáo dục và Đào tạo huyện Yên Lạc', 'Trường Tiểu học Tam Hợp', 'Trường THCS Hương Canh',
  'Trung tâm Y tế huyện Vĩnh Tường', 'Sở Tài chính tỉnh Vĩnh Phúc', 'UBND xã Đại Đồng',
];
const SCHOOLS = ['Học viện Hành chính Quốc gia', 'Trường Đại học Sư phạm Hà Nội', 'Trường Đại học Sư phạm Hà Nội 2',
  'Trường Đại học Y Hà Nội', 'Học viện Tài chính', 'Trường Đại học Kinh tế Quốc dân', 'Trường Đại học Luật Hà Nội',
  'Trường Cao đẳng Vĩnh Phúc', 'Trường Đại học Hùng Vương', 'Trường Cao đẳng Y tế Phú Thọ'];
const AWARDS: [string, string][] = [['Giấy khen của Giám đốc Sở', 'Sở'], ['Bằng khen của Chủ tịch UBND tỉnh', 'UBND tỉnh'],
  ['Chiến sĩ thi đua cơ sở', 'Cơ quan'], ['Lao động tiên tiến', 'Cơ quan'], ['Bằng khen của Thủ tướng Chính phủ', 'Chính phủ']];
const ASSESSMENTS: [string, string][] = [['Hoàn thành xuất sắc nhiệm vụ', 'HTXSNV'], ['Hoàn thành tốt nhiệm vụ', 'HTTNV'],
  ['Hoàn thành tốt nhiệm vụ', 'HTTNV'], ['Hoàn thành tốt nhiệm vụ', 'HTTNV'], ['Hoàn thành nhiệm vụ', 'HTNV']];
const JOBS = ['Lái xe', 'Bảo vệ', 'Tạp vụ', 'Nấu ăn', 'Văn thư', 'Kỹ thuật viên', 'Nhân viên phục vụ'];

export function buildHistory(
  rng: SeededRandom,
  p: HistoryInput,
  quirks: Set<QuirkName>,
): Omit<PersonHistory, 'phe_duyet'> {
  const period = (m: number): string => {
    const roll = rng.next();
    if (roll < 0.03) {
      quirks.add('period_year_only');
      return String(yearOf(m));
    }
    if (roll < 0.045) {
      quirks.add('period_unknown_month');
      return `00/${yearOf(m)}`;
    }
    return vendorMonth(m);
  };
  const endYear = yearOf(p.endM);

  // Work history: one to four periods from recruitment to now (or to leaving).
  const congTac: HistoryRow[] = [];
  const moves = rng.int(0, Math.min(3, Math.floor((p.endM - p.recruitM) / 36)));
  const cuts = [...new Set(Array.from({ length: moves }, () => rng.int(p.recruitM + 12, p.endM - 1)))].sort((a, b) => a - b);
  const starts = [p.recruitM, ...cuts];
  const job = p.loai === 'HD' ? 'Nhân viên' : p.unit.kind.startsWith('school') ? 'Giáo viên' : 'Chuyên viên';
  starts.forEach((from, i) => {
    const last = i === starts.length - 1;
    const to = last ? undefined : (starts[i + 1] as number) - 1;
    const open = last && p.status === 'DANG_LAM';
    congTac.push([
      period(from),
      open ? (rng.chance(0.5) ? '' : null) : period(to ?? p.endM),
      last ? p.unit.name : rng.pick(PRIOR_UNITS),
      last && p.title ? p.title.name : job,
    ]);
  });

  const daoTao: HistoryRow[] = [];
  const uniStart = monthOf(p.birthYear + 18, 9);
  daoTao.push([vendorMonth(uniStart), vendorMonth(uniStart + 45), rng.pick(SCHOOLS), studyField(p),
    'Chính quy', p.rank?.code.startsWith('V.08.01') ? 'Bác sĩ' : rng.pick(['Cử nhân', 'Cử nhân', 'Kỹ sư'])]);
  if (p.rank && /^A[123]/.test(p.rank.nhomLuong) && rng.chance(0.3) && p.endM - p.recruitM > 48) {
    const from = rng.int(p.recruitM + 12, p.endM - 30);
    daoTao.push([period(from), period(from + 24), rng.pick(SCHOOLS), studyField(p), 'Vừa làm vừa học', 'Thạc sĩ']);
  }

  const ngoaiNgu: HistoryRow[] = [];
  if (rng.chance(0.7)) ngoaiNgu.push(['Tiếng Anh', rng.pick(['A2', 'B1', 'B1', 'B2', 'C', 'Bậc 3'])]);
  if (rng.chance(0.08)) ngoaiNgu.push([rng.pick(['Tiếng Pháp', 'Tiếng Trung', 'Tiếng Nga']), rng.pick(['A', 'B', 'B1'])]);

  const firstYear = yearOf(p.recruitM) + 1;
  const lastYear = Math.min(endYear, yearOf(p.today) - 1);
  const khenThuong: HistoryRow[] = [];
  const kyLuat: HistoryRow[] = [];
  const danhGia: HistoryRow[] = [];
  if (firstYear <= lastYear) {
    for (let k = rng.int(0, 3); k > 0; k--) {
      const [award, level] = rng.pick(AWARDS);
      khenThuong.push([rng.int(firstYear, lastYear), award, level]);
    }
    if (rng.chance(0.025)) {
      kyLuat.push([rng.int(firstYear, lastYear), rng.pick(['Khiển trách', 'Khiển trách', 'Cảnh cáo']),
        rng.pick(['Chậm nộp báo cáo', 'Vi phạm quy chế làm việc', 'Vắng mặt không lý do'])]);
    }
    for (let year = Math.max(firstYear, lastYear - rng.int(0, 4)); year <= lastYear; year++) {
      const [full, short] = rng.pick(ASSESSMENTS);
      const abbreviated = rng.chance(0.08);
      if (abbreviated) quirks.add('assessment_abbreviation');
      danhGia.push([year, abbreviated ? short : typedAs(rng, 'assessment', full, SPELLING_RATE, quirks)]);
    }
  }

  const family: HistoryRow[] = [];
  const parentYear = p.birthYear - rng.int(22, 32);
  family.push(['Bố', generateName(rng, 1, 'Kinh'), parentYear - rng.int(0, 5), rng.pick(['Làm ruộng', 'Nghỉ hưu', 'Đã mất', 'Công nhân'])]);
  family.push(['Mẹ', generateName(rng, 0, 'Kinh'), parentYear, rng.pick(['Làm ruộng', 'Nghỉ hưu', 'Nội trợ', 'Đã mất'])]);
  if (yearOf(p.today) - p.birthYear > 25 && rng.chance(0.8)) {
    family.push([p.sex === 1 ? 'Vợ' : 'Chồng', generateName(rng, p.sex === 1 ? 0 : 1, 'Kinh'), p.birthYear + rng.int(-4, 4),
      rng.pick(['Giáo viên', 'Công chức', 'Kinh doanh', 'Công nhân', 'Bác sĩ'])]);
    for (let k = rng.int(0, 3); k > 0; k--) {
      const year = Math.min(yearOf(p.today), p.birthYear + rng.int(23, 40));
      const childSex = rng.chance(0.5) ? 1 : 0;
      family.push(['Con', generateName(rng, childSex, 'Kinh'), year, yearOf(p.today) - year < 18 ? 'Học sinh' : 'Đi làm']);
    }
  }

  return {
    qua_trinh_cong_tac: congTac, dao_tao: daoTao, ngoai_ngu: ngoaiNgu, khen_thuong: khenThuong,
    ky_luat: kyLuat, danh_gia: danhGia, quan_he_gia_dinh: family, hop_dong: p.loai === 'HD' ? contracts(rng, p) : [],
  };
}

function studyField(p: HistoryInput): string {
  if (p.unit.kind.startsWith('school') || p.unit.kind === 'college') return 'Sư phạm';
  if (p.rank?.code.startsWith('V.08')) return p.rank.code.startsWith('V.08.01') ? 'Y đa khoa' : 'Điều dưỡng';
  if (p.rank?.code.startsWith('06.')) return 'Kế toán';
  return 'Hành chính học';
}

/** Labour contracts of an HD person (TT 05/2023 Phụ lục II): an expired one, then the current. */
function contracts(rng: SeededRandom, p: HistoryInput): HistoryRow[] {
  const rows: HistoryRow[] = [];
  const job = rng.pick(JOBS);
  const pay = rng.int(45, 120) * 100_000;
  let from = p.recruitM;
  if (p.endM - p.recruitM > 30 && rng.chance(0.4)) {
    rows.push([`${rng.int(1, 99)}/${yearOf(from)}/HĐLĐ`, 'XDTH', isoDate(from, 1), isoDate(from, 2), isoDate(from + 23, 28), job, pay - 500_000]);
    from += 24;
  }
  const fixed = rng.chance(0.7);
  const until = fixed ? isoDate(Math.max(from + 11, p.endM + rng.int(0, 24)), 28) : null;
  rows.push([`${rng.int(1, 99)}/${yearOf(from)}/HĐLĐ`, fixed ? 'XDTH' : 'KXDTH', isoDate(from, 1), isoDate(from, 2), until, job, pay]);
  return rows;
}
