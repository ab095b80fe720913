import { type SeededRandom, type Weighted, WeightedPicker } from './seeded-random.js';
import { DemoError } from './demo-error.js';

/**
 * Vietnamese names, written in NFC with diacritics. Family names follow their real frequency
 * among the Kinh (Nguyễn about 38 %, Trần 11 %, Lê 9.5 %...); minority groups have their own
 * family names and some given names. Quirks (NFD, capitals, doubled spaces) are applied later.
 */
const KINH_FAMILY: Weighted<string>[] = [
  { value: 'Nguyễn', weight: 380 }, { value: 'Trần', weight: 110 }, { value: 'Lê', weight: 95 },
  { value: 'Phạm', weight: 70 }, { value: 'Hoàng', weight: 35 }, { value: 'Huỳnh', weight: 16 },
  { value: 'Phan', weight: 45 }, { value: 'Vũ', weight: 25 }, { value: 'Võ', weight: 14 },
  { value: 'Đặng', weight: 21 }, { value: 'Bùi', weight: 20 }, { value: 'Đỗ', weight: 14 },
  { value: 'Hồ', weight: 13 }, { value: 'Ngô', weight: 13 }, { value: 'Dương', weight: 10 },
  { value: 'Lý', weight: 5 }, { value: 'Đinh', weight: 6 }, { value: 'Trịnh', weight: 5 },
  { value: 'Đào', weight: 5 }, { value: 'Mai', weight: 3 }, { value: 'Tạ', weight: 3 },
  { value: 'Lương', weight: 3 }, { value: 'Kiều', weight: 3 }, { value: 'Phùng', weight: 3 },
  { value: 'Khổng', weight: 1 }, { value: 'Cao', weight: 3 }, { value: 'Chu', weight: 2 },
  { value: 'Lại', weight: 2 }, { value: 'Tô', weight: 2 }, { value: 'Văn', weight: 1 },
];

const MALE_MIDDLE = ['Văn', 'Văn', 'Văn', 'Đức', 'Minh', 'Quang', 'Hữu', 'Công', 'Xuân', 'Thanh', 'Ngọc', 'Mạnh', 'Tiến', 'Duy', 'Trọng'];
const FEMALE_MIDDLE = ['Thị', 'Thị', 'Thị', 'Thị', 'Thu', 'Ngọc', 'Thanh', 'Minh', 'Hồng', 'Phương', 'Thùy', 'Kim', 'Mai', 'Thị Thu', 'Thị Hồng'];
const MALE_GIVEN = [
  'Hùng', 'Dũng', 'Tuấn', 'Minh', 'Nam', 'Long', 'Cường', 'Thắng', 'Hải', 'Sơn', 'Trung', 'Hiếu', 'Quân',
  'Đức', 'Phúc', 'Khánh', 'Hoàng', 'Tùng', 'Bình', 'Huy', 'Việt', 'Toàn', 'Thành', 'Kiên', 'Lâm', 'Đạt',
  'Vinh', 'Tâm', 'Quang', 'Hưng', 'Anh', 'Phong', 'Thịnh', 'Trường', 'Chiến', 'Tú', 'Khoa', 'Nghĩa',
];
const FEMALE_GIVEN = [
  'Hà', 'Lan', 'Hương', 'Mai', 'Linh', 'Trang', 'Thảo', 'Ngọc', 'Hằng', 'Nhung', 'Thủy', 'Yến', 'Hạnh',
  'Phương', 'Huyền', 'Dung', 'Oanh', 'Loan', 'Vân', 'Anh', 'Giang', 'Hoa', 'Nga', 'Thu', 'Tuyết', 'Xuân',
  'Hiền', 'Hồng', 'Liên', 'Quyên', 'Nhàn', 'Thúy', 'Ly', 'Diệp', 'Chi', 'Vy', 'Hậu', 'Ánh',
];

interface GroupNames {
  family: WeightedPicker<string>;
  maleGiven?: readonly string[];
  femaleGiven?: readonly string[];
}

function families(...names: string[]): WeightedPicker<string> {
  return new WeightedPicker(names.map((value, i) => ({ value, weight: names.length - i })));
}

/** Keys are the vendor's ethnicity names (qlcb.dm_dan_toc.ten as in sample.sql). */
const GROUPS: Record<string, GroupNames> = {
  Kinh: { family: new WeightedPicker(KINH_FAMILY) },
  Tày: { family: families('Nông', 'Hoàng', 'Lương', 'Ma', 'Lục', 'Hà', 'Đàm') },
  Nùng: { family: families('Hoàng', 'Nông', 'Lục', 'Vi', 'Lăng', 'Chu') },
  Thái: { family: families('Lò', 'Lường', 'Quàng', 'Cầm', 'Tòng', 'Vì', 'Hà') },
  Mường: { family: families('Đinh', 'Bùi', 'Quách', 'Hà', 'Xa', 'Cao') },
  Mông: {
    family: families('Giàng', 'Sùng', 'Vàng', 'Thào', 'Hờ', 'Lý', 'Mùa'),
    maleGiven: ['Páo', 'Dình', 'Chứ', 'Súa', 'Pàng', 'Dính', 'Sình', 'Chá'],
    femaleGiven: ['Mỷ', 'Dợ', 'Máy', 'Chua', 'Pà', 'Sú', 'Mai'],
  },
  Dao: { family: families('Triệu', 'Bàn', 'Đặng', 'Lý', 'Phùng', 'Chảo') },
  'Sán Dìu': { family: families('Trần', 'Lưu', 'Diệp', 'Tạ', 'Hoàng', 'Lam') },
  'Sán Chay': { family: families('Hoàng', 'Lâm', 'Trần', 'Đàm', 'Lý') },
  Hoa: { family: families('Lâm', 'Quách', 'Tăng', 'Mã', 'Diệp', 'Lưu', 'Trương') },
  Khmer: {
    family: families('Thạch', 'Sơn', 'Kim', 'Danh', 'Lâm', 'Chau'),
    maleGiven: ['Sóc', 'Sang', 'Phol', 'Sa Rinh', 'Ny', 'Thươl'],
    femaleGiven: ['Sóc Pha', 'Sa Vênh', 'Thị Ry', 'Ngọc Điệp', 'Sô Phia'],
  },
  'Ê Đê': {
    family: families('Niê', 'Mlô', 'Êban', 'Ksơr', 'Byă'),
    maleGiven: ['Y Bhin', 'Y Kông', 'Y Wang', 'Y Khoa'],
    femaleGiven: ['H\'Nhi', 'H\'Lan', 'H\'Xuân', 'H\'Hen'],
  },
};

/** sex: 1 male, 0 female (the vendor's gioi_tinh). */
export function generateName(rng: SeededRandom, sex: 0 | 1, ethnicity: string): string {
  const group = GROUPS[ethnicity] ?? GROUPS.Kinh;
  if (!group) throw new DemoError('demo.reference_missing', 'no Kinh names');
  const family = group.family.pick(rng);
  const ownGiven = sex === 1 ? group.maleGiven : group.femaleGiven;
  if (ownGiven && rng.chance(0.7)) {
    // Ê Đê names put the given name, with its sex marker (Y, H'), before the family name.
    return ethnicity === 'Ê Đê' ? `${rng.pick(ownGiven)} ${family}` : `${family} ${sex === 1 ? 'Văn' : 'Thị'} ${rng.pick(ownGiven)}`;
  }
  const middle = rng.pick(sex === 1 ? MALE_MIDDLE : FEMALE_MIDDLE);
  const given = rng.pick(sex === 1 ? MALE_GIVEN : FEMALE_GIVEN);
  const fam = ethnicity === 'Ê Đê' ? 'Nguyễn' : family;
  // About one in six names has a second given name ("Nguyễn Thị Thu Hà").
  return rng.chance(0.15) ? `${fam} ${middle} ${rng.pick(sex === 1 ? MALE_GIVEN : FEMALE_GIVEN)} ${given}` : `${fam} ${middle} ${given}`;
}
