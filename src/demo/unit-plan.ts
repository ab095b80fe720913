import type { WorkplaceKind } from './rank-catalogue.js';
import { DemoError } from './demo-error.js';

/**
 * The units of the demo province, as a plan (no ids yet). Agency codes follow QĐ 20/2020:
 * `000.00.NN.H62` for a department, a district or a post-2025 commune under the province
 * (H62: Vĩnh Phúc, as in sample.sql), `000.MM.NN.H62` for a base unit under unit NN. The
 * department codes 05, 07, 09 and district 21 are the sample's, so a generated tree merges
 * with the sample's units instead of doubling them. Districts were abolished on 1 July 2025:
 * they and their offices are closed and point to the commune that took over (thay_the_boi_id).
 * One closed office per district has no code, as legacy units do.
 */
export interface PlannedUnit {
  /** The agency code, or `name:<name>` for a unit without one. */
  key: string;
  code: string | null;
  name: string;
  cap: 1 | 2 | 3;
  parentKey: string | null;
  active: boolean;
  successorKey: string | null;
  kind: WorkplaceKind;
  /** Relative headcount: people are spread over units by this weight. */
  weight: number;
}

export const PROVINCE_CODE = '000.00.00.H62';
const code = (l3: number, l2: number): string => `000.${String(l3).padStart(2, '0')}.${String(l2).padStart(2, '0')}.H62`;

const DEPARTMENTS: [number, string][] = [
  [1, 'Văn phòng UBND tỉnh'], [2, 'Thanh tra tỉnh'], [3, 'Sở Tài chính'], [4, 'Sở Dân tộc và Tôn giáo'],
  [5, 'Sở Nội vụ'], [6, 'Sở Tư pháp'], [7, 'Sở Giáo dục và Đào tạo'], [8, 'Sở Công Thương'], [9, 'Sở Y tế'],
  [10, 'Sở Xây dựng'], [11, 'Sở Nông nghiệp và Môi trường'], [12, 'Sở Văn hóa, Thể thao và Du lịch'],
  [13, 'Sở Khoa học và Công nghệ'],
];
/** Districts (closed) and the communes formed from them on 1 July 2025. */
const DISTRICTS: [number, string, string[]][] = [
  [21, 'huyện Bình Xuyên', ['xã Bình Xuyên', 'xã Bình Nguyên', 'xã Bình Tuyền', 'phường Xuân Hòa']],
  [22, 'thành phố Vĩnh Yên', ['phường Vĩnh Yên', 'phường Vĩnh Phúc', 'phường Liên Bảo']],
  [23, 'thành phố Phúc Yên', ['phường Phúc Yên', 'xã Ngọc Thanh']],
  [24, 'huyện Tam Dương', ['xã Tam Dương', 'xã Tam Dương Bắc', 'xã Hội Thịnh', 'xã Hoàng An']],
  [25, 'huyện Tam Đảo', ['xã Tam Đảo', 'xã Đại Đình', 'xã Đạo Trù', 'xã Tam Hồng']],
  [26, 'huyện Lập Thạch', ['xã Lập Thạch', 'xã Hợp Lý', 'xã Thái Hòa', 'xã Liên Hòa', 'xã Sơn Đông']],
  [27, 'huyện Sông Lô', ['xã Sông Lô', 'xã Tam Sơn', 'xã Hải Lựu', 'xã Yên Lãng']],
  [28, 'huyện Vĩnh Tường', ['xã Vĩnh Tường', 'xã Vĩnh An', 'xã Vĩnh Hưng', 'xã Vĩnh Thành', 'xã Thổ Tang', 'xã Vĩnh Phú']],
  [29, 'huyện Yên Lạc', ['xã Yên Lạc', 'xã Tề Lỗ', 'xã Liên Châu', 'xã Tam Hồng Yên']],
];
const DISTRICT_OFFICES: [number, string][] = [[1, 'Phòng Nội vụ'], [2, 'Phòng Giáo dục và Đào tạo'], [3, 'Phòng Tài chính - Kế hoạch']];
const AGENCY_KINDS = ['Chi cục', 'Trung tâm', 'Ban Quản lý dự án'];
const LABELS: Partial<Record<WorkplaceKind, string>> = {
  school_th: 'Trường Tiểu học', school_thcs: 'Trường THCS', school_mn: 'Trường Mầm non', health_station: 'Trạm Y tế',
};
/** 80 base units per parent (codes 000.20.NN to 000.99.NN) bound the plan. */
export const MAX_BASE_UNITS = 1200;

/** A province with about `baseUnits` base units (schools, health, agencies) besides the fixed tree. */
export function planUnits(baseUnits: number): PlannedUnit[] {
  const units: PlannedUnit[] = [{
    key: PROVINCE_CODE, code: PROVINCE_CODE, name: 'UBND tỉnh Vĩnh Phúc', cap: 1, parentKey: null,
    active: true, successorKey: null, kind: 'province', weight: 1,
  }];
  const add = (u: Omit<PlannedUnit, 'key'>) => units.push({ ...u, key: u.code ?? `name:${u.name}` });
  for (const [n, name] of DEPARTMENTS) {
    add({ code: code(0, n), name, cap: 2, parentKey: PROVINCE_CODE, active: true, successorKey: null, kind: 'department', weight: 1.5 });
  }
  const communes: { code: string; name: string }[] = [];
  let communeNo = 31;
  for (const [, , names] of DISTRICTS) {
    for (const name of names) {
      const c = { code: code(0, communeNo++), name: `UBND ${name}` };
      communes.push(c);
      add({ code: c.code, name: c.name, cap: 2, parentKey: PROVINCE_CODE, active: true, successorKey: null, kind: 'commune', weight: 1.2 });
    }
  }
  let firstCommune = 0;
  for (const [n, district, names] of DISTRICTS) {
    const successor = communes[firstCommune]?.code ?? PROVINCE_CODE;
    firstCommune += names.length;
    const districtCode = code(0, n);
    add({ code: districtCode, name: `UBND ${district}`, cap: 2, parentKey: PROVINCE_CODE, active: false, successorKey: successor, kind: 'district', weight: 0 });
    for (const [m, office] of DISTRICT_OFFICES) {
      add({ code: code(m + 10, n), name: `${office} ${district}`, cap: 3, parentKey: districtCode, active: false, successorKey: successor, kind: 'district_office', weight: 0 });
    }
    add({ code: null, name: `Văn phòng HĐND và UBND ${district}`, cap: 3, parentKey: districtCode, active: false, successorKey: successor, kind: 'district_office', weight: 0 });
  }

  // Base units: 60 % schools and 10 % health stations under the communes, 5 % hospitals under
  // the Sở Y tế, a few colleges under the Sở GD&ĐT, the rest agencies under the departments.
  const children = new Map<string, number>();
  const nextCode = (parentCode: string): string => {
    const n = children.get(parentCode) ?? 0;
    if (n >= 80) throw new DemoError('demo.options_invalid', `no agency code left under ${parentCode}`);
    children.set(parentCode, n + 1);
    return code(20 + n, Number(parentCode.slice(7, 9)));
  };
  for (let k = 0; k < Math.min(baseUnits, MAX_BASE_UNITS); k++) {
    const slot = k % 20;
    const round = Math.floor(k / 20);
    if (slot < 14) {
      const commune = communes[(k * 7 + round) % communes.length] as { code: string; name: string };
      const place = commune.name.replace(/^UBND (xã|phường) /, '');
      const kind: WorkplaceKind = slot >= 12 ? 'health_station' : (['school_th', 'school_thcs', 'school_mn'] as const)[slot % 3] as WorkplaceKind;
      const c = nextCode(commune.code);
      const nth = Number(c.slice(4, 6)) - 19;
      add({ code: c, name: `${LABELS[kind] ?? 'Đơn vị'} ${place}${nth > 1 ? ` số ${nth}` : ''}`, cap: 3, parentKey: commune.code, active: true, successorKey: null, kind, weight: kind === 'health_station' ? 0.4 : 1 });
    } else if (slot === 14) {
      const parent = code(0, 9);
      const c = nextCode(parent);
      add({ code: c, name: round % 3 === 0 ? `Bệnh viện Đa khoa khu vực ${round + 1}` : `Trung tâm Y tế khu vực ${round + 1}`, cap: 3, parentKey: parent, active: true, successorKey: null, kind: 'hospital', weight: 6 });
    } else if (slot === 15 && round < 3) {
      const parent = code(0, 7);
      add({ code: nextCode(parent), name: ['Trường Cao đẳng Vĩnh Phúc', 'Trường Cao đẳng Sư phạm Vĩnh Phúc', 'Trường Cao đẳng Nghề Việt Xô số 1'][round] ?? 'Trường Cao đẳng', cap: 3, parentKey: parent, active: true, successorKey: null, kind: 'college', weight: 4 });
    } else {
      // Agencies go to the departments other than education and health, whose codes are
      // left to colleges and hospitals.
      const hosts = DEPARTMENTS.filter(([n]) => n !== 7 && n !== 9);
      const [n, dept] = hosts[(k * 3 + round) % hosts.length] as [number, string];
      const parent = code(0, n);
      const c = nextCode(parent);
      add({ code: c, name: `${AGENCY_KINDS[round % AGENCY_KINDS.length]} ${Number(c.slice(4, 6)) - 19} - ${dept}`, cap: 3, parentKey: parent, active: true, successorKey: null, kind: 'agency', weight: 0.8 });
    }
  }
  return units;
}
