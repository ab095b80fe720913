import type { SeededRandom } from './seeded-random.js';
import { WeightedPicker } from './seeded-random.js';

/**
 * Provinces of birth. `cccd` is the 3-digit province code that opens a CCCD number: the
 * province where the birth was registered, in the numbering before 1 July 2025 (the numbers of
 * people already issued do not change). `current` is the province it belongs to now
 * (contract/national/codes/tinh.json). Hà Tây was merged into Hà Nội in 2008, before CCCD
 * numbers existed, so its people carry Hà Nội's 001.
 */
export interface BirthProvince {
  name: string;
  cccd: string;
  current: string;
}

const P = (name: string, cccd: string, current = name): BirthProvince => ({ name, cccd, current });

export const BIRTH_PROVINCES = {
  vinhPhuc: P('Vĩnh Phúc', '026', 'Phú Thọ'),
  phuTho: P('Phú Thọ', '025'),
  haNoi: P('Hà Nội', '001'),
  haTay: P('Hà Tây', '001', 'Hà Nội'),
  thaiNguyen: P('Thái Nguyên', '019'),
  bacKan: P('Bắc Kạn', '006', 'Thái Nguyên'),
  tuyenQuang: P('Tuyên Quang', '008'),
  haGiang: P('Hà Giang', '002', 'Tuyên Quang'),
  bacNinh: P('Bắc Ninh', '027'),
  bacGiang: P('Bắc Giang', '024', 'Bắc Ninh'),
  yenBai: P('Yên Bái', '015', 'Lào Cai'),
  laoCai: P('Lào Cai', '010'),
  hoaBinh: P('Hòa Bình', '017', 'Phú Thọ'),
  sonLa: P('Sơn La', '014'),
  dienBien: P('Điện Biên', '011'),
  caoBang: P('Cao Bằng', '004'),
  langSon: P('Lạng Sơn', '020'),
  namDinh: P('Nam Định', '036', 'Ninh Bình'),
  thaiBinh: P('Thái Bình', '034', 'Hưng Yên'),
  haiDuong: P('Hải Dương', '030', 'Hải Phòng'),
  thanhHoa: P('Thanh Hóa', '038'),
  ngheAn: P('Nghệ An', '040'),
  haTinh: P('Hà Tĩnh', '042'),
  hue: P('Thừa Thiên Huế', '046', 'Huế'),
  hoChiMinh: P('Hồ Chí Minh', '079'),
  socTrang: P('Sóc Trăng', '094', 'Cần Thơ'),
  traVinh: P('Trà Vinh', '084', 'Vĩnh Long'),
  dakLak: P('Đắk Lắk', '066'),
} as const;

type Key = keyof typeof BIRTH_PROVINCES;
const B = BIRTH_PROVINCES;

/** Where Kinh officials of a Vĩnh Phúc department were born: mostly at home. */
const KINH_BIRTH = new WeightedPicker<BirthProvince>(
  ([
    ['vinhPhuc', 560], ['phuTho', 80], ['haNoi', 60], ['haTay', 8], ['thaiNguyen', 25], ['tuyenQuang', 20],
    ['bacNinh', 15], ['bacGiang', 15], ['yenBai', 15], ['hoaBinh', 15], ['namDinh', 25], ['thaiBinh', 25],
    ['haiDuong', 15], ['thanhHoa', 25], ['ngheAn', 25], ['haTinh', 10], ['hue', 8], ['hoChiMinh', 10],
    ['laoCai', 5], ['langSon', 4], ['bacKan', 3], ['haGiang', 3],
  ] as [Key, number][]).map(([k, weight]) => ({ value: B[k], weight })),
);

/** Minorities are mostly born where their group lives. */
const GROUP_BIRTH: Record<string, readonly BirthProvince[]> = {
  Tày: [B.caoBang, B.langSon, B.bacKan, B.tuyenQuang, B.haGiang, B.thaiNguyen],
  Nùng: [B.langSon, B.caoBang, B.bacGiang, B.thaiNguyen],
  Thái: [B.sonLa, B.dienBien, B.ngheAn, B.thanhHoa, B.yenBai],
  Mường: [B.hoaBinh, B.phuTho, B.thanhHoa],
  Mông: [B.haGiang, B.sonLa, B.dienBien, B.laoCai, B.yenBai],
  Dao: [B.yenBai, B.laoCai, B.tuyenQuang, B.haGiang, B.vinhPhuc],
  'Sán Dìu': [B.vinhPhuc, B.vinhPhuc, B.thaiNguyen, B.bacGiang],
  'Sán Chay': [B.tuyenQuang, B.thaiNguyen, B.bacGiang],
  Hoa: [B.hoChiMinh, B.haNoi, B.vinhPhuc],
  Khmer: [B.socTrang, B.traVinh],
  'Ê Đê': [B.dakLak],
};

export function pickBirthProvince(rng: SeededRandom, ethnicity: string): BirthProvince {
  const own = GROUP_BIRTH[ethnicity];
  return own && rng.chance(0.85) ? rng.pick(own) : KINH_BIRTH.pick(rng);
}

export type ProvinceQuirk = 'old_province_name' | 'province_abbreviation';

/**
 * How the vendor software holds a province typed by a clerk: merged or renamed provinces are
 * mostly still written under their old name (schema.sql quirk list); Hồ Chí Minh often as
 * 'TP HCM'.
 */
export function writeProvince(rng: SeededRandom, p: BirthProvince): { text: string; quirk?: ProvinceQuirk } {
  if (p === B.hoChiMinh && rng.chance(0.4)) return { text: 'TP HCM', quirk: 'province_abbreviation' };
  if (p.name !== p.current) {
    return rng.chance(0.85) || p === B.haTay ? { text: p.name, quirk: 'old_province_name' } : { text: p.current };
  }
  return { text: p.name };
}

const COMMUNES = [
  'Tam Hợp', 'Quất Lưu', 'Hương Canh', 'Đại Đồng', 'Tân Phong', 'Yên Lập', 'Hợp Thịnh', 'Kim Long',
  'Đạo Tú', 'Thanh Lãng', 'Bá Hiến', 'Sơn Lôi', 'Trung Mỹ', 'Đồng Thịnh', 'Liên Châu', 'Tề Lỗ',
  'Vĩnh Sơn', 'Bình Định', 'Tân Tiến', 'Hồng Phong', 'Minh Quang', 'Xuân Hòa', 'Đông Hưng', 'Mỹ Lộc',
];

export function placeDetail(rng: SeededRandom): string {
  const kind = rng.pick(['Xã', 'Xã', 'Xã', 'Phường', 'Thị trấn']);
  return `${kind} ${rng.pick(COMMUNES)}`;
}
