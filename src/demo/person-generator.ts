import { pickBirthProvince, placeDetail, writeProvince } from './birth-provinces.js';
import { isoDate, monthOf, parseIsoMonth, vendorDate, yearOf } from './demo-dates.js';
import type { CanBoRow, GeneratedPerson, GenerationContext, Workplace } from './demo-model.js';
import { bhxhNumber, cccdNumber, cmndNumber, phoneNumber } from './identity.js';
import { buildApprovals } from './approval-rounds.js';
import { buildHistory } from './person-history.js';
import type { QuirkName } from './quirks.js';
import { type Rank, salaryFor, SUPERSEDED_RANKS, type WorkplaceKind } from './rank-catalogue.js';
import { SeededRandom } from './seeded-random.js';
import { generateName } from './vietnamese-names.js';
import { education, leadershipTitle, religion, styleName, workTitle } from './person-traits.js';

/**
 * One person: the can_bo row, their history and approvals, and the quirks they carry. Pure:
 * the same (seed, index, id) always gives the same person. `index` picks the random stream,
 * `id` is the can_bo id reserved for them (it also makes their CCCD serial unique).
 */
export function generatePerson(ctx: GenerationContext, index: number, id: number): GeneratedPerson {
  const rng = new SeededRandom(ctx.seed, index);
  const quirks = new Set<QuirkName>();
  const nowM = parseIsoMonth(ctx.today) - 1;

  let unit: Workplace;
  if (ctx.closedUnits.length > 0 && rng.chance(0.02)) {
    unit = rng.pick(ctx.closedUnits);
    quirks.add('closed_unit');
  } else {
    unit = ctx.workplaces.pick(rng);
  }
  const loai = pickLoai(rng, unit.kind);
  const female = rng.chance(femaleShare(unit.kind));
  const sex: 0 | 1 = female ? 0 : 1;
  const ethnicity = ctx.ethnicities.pick(rng);

  // Status and the months of birth, recruitment and leaving (nowM for those still working).
  const roll = rng.next();
  const status: CanBoRow['trang_thai'] =
    roll < 0.94 ? 'DANG_LAM' : roll < 0.976 ? 'NGHI_HUU' : roll < 0.988 ? 'THOI_VIEC' : roll < 0.997 ? 'CHUYEN_DI' : 'TU_TRAN';
  const endM = status === 'DANG_LAM' ? nowM : nowM - rng.int(0, 119);
  const age = status === 'DANG_LAM' ? rng.int(23, 59) : status === 'NGHI_HUU' ? (female ? rng.int(55, 60) : rng.int(60, 62)) : rng.int(27, 58);
  const birthM = monthOf(yearOf(endM) - age, rng.int(1, 12));
  const birthYear = yearOf(birthM);
  const birthDay = rng.int(1, 28);
  const recruitM = Math.max(birthM + 18 * 12, Math.min(birthM + rng.int(21, 30) * 12 + rng.int(0, 11), endM - rng.int(6, 30)));
  const serviceYears = (endM - recruitM) / 12;

  let ngaySinh = vendorDate(birthM, birthDay);
  const dateRoll = rng.next();
  if (dateRoll < 0.04) {
    ngaySinh = `00${ngaySinh.slice(2)}`;
    quirks.add('birth_day_unknown');
  } else if (dateRoll < 0.055) {
    ngaySinh = `00/00/${birthYear}`;
    quirks.add('birth_month_unknown');
  }

  const birth = pickBirthProvince(rng, ethnicity.name);
  const home = rng.chance(0.8) ? birth : pickBirthProvince(rng, ethnicity.name);
  const birthText = writeProvince(rng, birth);
  const homeText = writeProvince(rng, home);
  if (birthText.quirk) quirks.add(birthText.quirk);
  if (homeText.quirk) quirks.add(homeText.quirk);

  const cmnd = rng.chance(0.006);
  if (cmnd) quirks.add('cmnd_9_digits');
  const capYear = cmnd ? rng.int(2000, 2015) : rng.int(Math.max(2016, birthYear + 14), yearOf(nowM));
  const phone = rng.chance(0.92) ? phoneNumber(rng) : undefined;
  if (phone?.quirk) quirks.add(phone.quirk);

  const rank: Rank | undefined = loai === 'HD' ? undefined : ctx.ranks.pick(rng, unit.kind);
  if (rank && SUPERSEDED_RANKS[rank.code]) quirks.add('rank_superseded');
  // Senior groups (A2, A3) are reached after years in a lower rank.
  const yearsInRank = rank && /^A[23]/.test(rank.nhomLuong) ? serviceYears - rng.int(8, 15) : serviceYears;
  const salary = rank ? salaryFor(rank, yearsInRank) : undefined;
  const salaryM = rank ? Math.max(recruitM, endM - rng.int(0, rank.nhomLuong.startsWith('A') ? 35 : 23)) : undefined;
  const title = leadershipTitle(rng, unit.kind, loai);
  const party = rng.chance(loai === 'CB' ? 0.97 : loai === 'HD' ? 0.08 : 0.38) && endM - recruitM > 24;
  const partyM = party ? recruitM + rng.int(6, Math.max(7, endM - recruitM - 13)) : undefined;
  const edu = education(rng, rank, loai, birthYear, party, quirks);
  const faith = religion(rng, ethnicity.name, quirks);

  const history = buildHistory(rng, { unit, recruitM, endM, birthYear, sex, rank, loai, status, title, today: nowM }, quirks);
  const approvals = buildApprovals(rng, { unit, endM: Math.min(nowM, endM + 3), nowM });

  const canBo: CanBoRow = {
    id,
    ma_can_bo: `VP${String(id).padStart(6, '0')}`,
    ho_ten: styleName(rng, generateName(rng, sex, ethnicity.name), quirks),
    ngay_sinh: ngaySinh,
    gioi_tinh: sex,
    so_cccd: cmnd ? cmndNumber(id) : cccdNumber(birth, sex, birthYear, id),
    ngay_cap_cccd: isoDate(monthOf(capYear, rng.int(1, capYear === yearOf(nowM) ? 1 + ((nowM % 12)) : 12)), rng.int(1, 28)),
    dien_thoai: phone?.text ?? null,
    so_bhxh: rng.chance(0.8) ? bhxhNumber(rng) : null,
    noi_sinh: placeDetail(rng),
    noi_sinh_tinh: birthText.text,
    que_quan: placeDetail(rng),
    que_quan_tinh: homeText.text,
    noi_o_hien_nay: `${placeDetail(rng)}, tỉnh ${rng.chance(0.6) ? 'Vĩnh Phúc' : 'Phú Thọ'}`,
    dan_toc_id: ethnicity.id,
    ton_giao: faith,
    loai_can_bo: loai,
    don_vi_id: unit.id,
    ngay_tuyen_dung: isoDate(recruitM, rng.int(1, 28)),
    co_quan_tuyen_dung: unit.name,
    ngay_vao_co_quan: isoDate(Math.min(endM, recruitM + rng.int(0, 60)), 1),
    chuc_vu: title?.name ?? null,
    ngay_bo_nhiem: title ? isoDate(Math.max(recruitM, endM - rng.int(1, 60)), rng.int(1, 28)) : null,
    vi_tri_viec_lam: workTitle(unit.kind, loai, rank),
    ngach_id: rank ? (ctx.rankIds.get(rank.code) ?? null) : null,
    bac_luong: salary?.bac ?? null,
    he_so_luong: salary?.heSo ?? null,
    ngay_huong_luong: salaryM === undefined ? null : isoDate(salaryM, 1),
    phan_tram_huong: rank && serviceYears < 1 ? 85 : 100,
    pc_tham_nien_vk: salary?.vuotKhung ?? null,
    pc_chuc_vu: title?.allowance ?? null,
    ngay_vao_dang: partyM === undefined ? null : isoDate(partyM, rng.int(1, 28)),
    ngay_chinh_thuc: partyM === undefined ? null : isoDate(partyM + 12, rng.int(1, 28)),
    ...edu,
    suc_khoe: rng.pick(['Tốt', 'Tốt', 'Tốt', 'Tốt', 'Khá', 'Bình thường']),
    chieu_cao: female ? rng.int(148, 168) : rng.int(158, 182),
    can_nang: female ? rng.int(42, 68) : rng.int(50, 85),
    nhom_mau: rng.chance(0.6) ? rng.pick(['O', 'O', 'A', 'B', 'B', 'AB']) : null,
    trang_thai: status,
    ngay_nghi: status === 'DANG_LAM' ? null : isoDate(endM, rng.int(1, 28)),
    ngay_cap_nhat: approvals.lastEdit,
  };
  return { canBo, history: { ...history, phe_duyet: approvals.rows }, quirks, approved: approvals.approved };
}

function pickLoai(rng: SeededRandom, kind: WorkplaceKind): CanBoRow['loai_can_bo'] {
  if (rng.chance(0.07)) return 'HD';
  switch (kind) {
    case 'commune':
      return rng.chance(0.3) ? 'CB' : 'CC';
    case 'province':
      return rng.chance(0.2) ? 'CB' : 'CC';
    case 'school_th': case 'school_thcs': case 'school_mn': case 'college': case 'hospital': case 'health_station':
      return 'VC';
    default:
      return 'CC';
  }
}

function femaleShare(kind: WorkplaceKind): number {
  if (kind.startsWith('school')) return 0.75;
  if (kind === 'hospital' || kind === 'health_station') return 0.65;
  return 0.45;
}
