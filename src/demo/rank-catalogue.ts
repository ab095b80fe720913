import { codeList, type NationalContract } from '../contract/national-contract.js';
import { DemoError } from './demo-error.js';
import { type SeededRandom, WeightedPicker } from './seeded-random.js';

/**
 * The ranks the generator gives people (qlcb.dm_ngach rows) and their salary scale. A rank's
 * bậc and hệ số come from the national salary table (codes/bang-luong.json, NĐ 204/2004) for
 * the rank's nhomLuong, so every generated salary is one the national side accepts. Superseded
 * codes still found in provincial data are priced as the current code they map to.
 */
export interface Rank {
  code: string;
  name: string;
  loai: 'CC' | 'VC';
  /** The current national code: itself, or the successor of a superseded code. */
  nationalCode: string;
  nhomLuong: string;
  heSo: readonly number[];
}

/**
 * Superseded codes and the current code they stand for (chuc-danh-nghe-nghiep.json note):
 * Thông tư 02/2021/TT-BGDĐT appoints the 2015 hạng III (V.07.03.08) to V.07.03.29 and the
 * 2015 hạng II (V.07.03.07) to V.07.03.28. Names as the vendor's dm_ngach (sample.sql) has them.
 */
export const SUPERSEDED_RANKS: Readonly<Record<string, { name: string; current: string }>> = {
  '15.114': { name: 'Giáo viên tiểu học (mã cũ)', current: 'V.07.03.29' },
  'V.07.03.08': { name: 'Giáo viên tiểu học hạng III (mã cũ)', current: 'V.07.03.29' },
  'V.07.03.07': { name: 'Giáo viên tiểu học hạng II (mã cũ)', current: 'V.07.03.28' },
};

export type WorkplaceKind =
  | 'province' | 'department' | 'agency' | 'district' | 'district_office' | 'commune'
  | 'school_th' | 'school_thcs' | 'school_mn' | 'college' | 'hospital' | 'health_station';

type Mix = [string, number][];
const OFFICE: Mix = [
  ['01.001', 1], ['01.002', 14], ['01.003', 55], ['01.004', 7], ['01.005', 4], ['06.031', 6], ['06.030', 2],
  ['06.032', 1], ['04.025', 4], ['04.024', 2], ['02.007', 2], ['02.008', 1], ['02.006', 1],
];
const RANK_MIX: Record<WorkplaceKind, Mix> = {
  province: OFFICE, department: OFFICE, agency: OFFICE, district: OFFICE, district_office: OFFICE,
  commune: [['01.003', 60], ['01.004', 15], ['06.031', 10], ['06.032', 5], ['02.008', 5], ['01.005', 5]],
  school_th: [['V.07.03.29', 55], ['V.07.03.28', 20], ['V.07.03.27', 3], ['15.114', 6], ['V.07.03.08', 4], ['V.07.03.07', 2]],
  school_thcs: [['V.07.04.32', 60], ['V.07.04.31', 25], ['V.07.04.30', 5]],
  school_mn: [['V.07.02.26', 60], ['V.07.02.25', 30], ['V.07.02.24', 3]],
  college: [['V.07.01.03', 60], ['V.07.01.02', 30], ['V.07.01.01', 5]],
  hospital: [['V.08.01.03', 25], ['V.08.01.02', 8], ['V.08.01.01', 1], ['V.08.05.12', 40], ['V.08.05.11', 10], ['V.08.06.15', 8]],
  health_station: [['V.08.01.03', 20], ['V.08.05.12', 50], ['V.08.06.15', 30]],
};

export class RankCatalogue {
  readonly ranks: ReadonlyMap<string, Rank>;
  private readonly pickers = new Map<WorkplaceKind, WeightedPicker<Rank>>();

  constructor(contract: NationalContract) {
    const table = codeList(contract, 'bang-luong');
    const ranks = new Map<string, Rank>();
    const add = (code: string, name: string, loai: 'CC' | 'VC', nationalCode: string, nhom: string | undefined) => {
      const heSo = nhom ? table.byCode.get(nhom)?.heSo : undefined;
      if (!nhom || !heSo) throw new DemoError('demo.reference_missing', `no salary table for rank ${code} (group ${nhom ?? '?'})`);
      ranks.set(code, { code, name, loai, nationalCode, nhomLuong: nhom, heSo });
    };
    for (const item of codeList(contract, 'ngach').items) add(item.ma, item.ten, 'CC', item.ma, item.nhomLuong);
    const cdnn = codeList(contract, 'chuc-danh-nghe-nghiep');
    for (const item of cdnn.items) add(item.ma, item.ten, 'VC', item.ma, item.nhomLuong);
    for (const [code, old] of Object.entries(SUPERSEDED_RANKS)) {
      add(code, old.name, 'VC', old.current, cdnn.byCode.get(old.current)?.nhomLuong);
    }
    this.ranks = ranks;
    for (const [kind, mix] of Object.entries(RANK_MIX) as [WorkplaceKind, Mix][]) {
      this.pickers.set(kind, new WeightedPicker(mix.map(([code, weight]) => ({ value: this.get(code), weight }))));
    }
  }

  get(code: string): Rank {
    const rank = this.ranks.get(code);
    if (!rank) throw new DemoError('demo.reference_missing', `unknown rank ${code}`);
    return rank;
  }

  pick(rng: SeededRandom, kind: WorkplaceKind): Rank {
    const picker = this.pickers.get(kind);
    if (!picker) throw new DemoError('demo.reference_missing', `no ranks for ${kind}`);
    return picker.pick(rng);
  }
}

export interface Salary {
  bac: number;
  heSo: number;
  /** Phụ cấp thâm niên vượt khung (%), only at the last bậc. */
  vuotKhung: number | null;
}

/**
 * Bậc from the years spent in the rank: one step every 3 years in groups A, every 2 years in
 * B and C (NĐ 204/2004), capped at the group's last bậc; beyond it, 5 % vượt khung and 1 % a
 * year more.
 */
export function salaryFor(rank: Rank, yearsInRank: number): Salary {
  const step = rank.nhomLuong.startsWith('A') ? 3 : 2;
  const last = rank.heSo.length;
  const raw = 1 + Math.floor(Math.max(0, yearsInRank) / step);
  const bac = Math.min(last, raw);
  const heSo = rank.heSo[bac - 1];
  if (heSo === undefined) throw new DemoError('demo.reference_missing', `no hệ số for bậc ${bac} of ${rank.code}`);
  const beyond = raw > last ? Math.min(15, 5 + (raw - last - 1) * step) : null;
  return { bac, heSo, vuotKhung: beyond };
}
