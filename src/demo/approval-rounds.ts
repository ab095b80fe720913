import { isoDate, pad2 } from './demo-dates.js';
import type { HistoryRow, Workplace } from './demo-model.js';
import type { SeededRandom } from './seeded-random.js';
import { generateName } from './vietnamese-names.js';

/**
 * Approval rounds (qlcb.phe_duyet, schema.sql): each edit appends CHO_DUYET, and the unit's
 * approver then appends DA_DUYET or TU_CHOI. About 80 % of people end approved, 12 % pending
 * and 8 % refused; a quarter went through earlier rounds. Times are counted in 28-day months
 * (days = month * 28 + day - 1) so every date exists; rounds are at least 10 days apart and
 * a decision follows its edit a day or two later, so the order of rows is the order of time.
 */
export interface Approvals {
  rows: HistoryRow[];
  approved: boolean;
  /** When the person's data was last edited: the last CHO_DUYET (can_bo.ngay_cap_nhat). */
  lastEdit: string;
}

const REFUSALS = ['Thiếu quyết định tuyển dụng', 'Ngày sinh không khớp CCCD', 'Chưa cập nhật quá trình đào tạo',
  'Thiếu minh chứng nâng lương', 'Sai đơn vị công tác'];

function timestamp(days: number, rng: SeededRandom): string {
  return `${isoDate(Math.floor(days / 28), (days % 28) + 1)} ${pad2(rng.int(7, 17))}:${pad2(rng.int(0, 59))}:00+07`;
}

export function buildApprovals(rng: SeededRandom, p: { unit: Workplace; endM: number; nowM: number }): Approvals {
  const roll = rng.next();
  const final = roll < 0.8 ? 'DA_DUYET' : roll < 0.92 ? 'CHO_DUYET' : 'TU_CHOI';
  const rounds = 1 + (rng.chance(0.25) ? 1 : 0) + (rng.chance(0.08) ? 1 : 0);
  const approverUnit = p.unit.parentId ?? p.unit.id;
  const approver = generateName(rng, rng.chance(0.5) ? 1 : 0, 'Kinh');

  const edits: number[] = [Math.min(p.endM * 28 + rng.int(0, 27), p.nowM * 28 + 24)];
  for (let i = 1; i < rounds; i++) edits.unshift((edits[0] as number) - rng.int(10, 90));

  const rows: HistoryRow[] = [];
  let lastEdit = '';
  edits.forEach((edit, i) => {
    lastEdit = timestamp(edit, rng);
    rows.push(['CHO_DUYET', null, null, null, null]);
    const decision = i === edits.length - 1 ? final : rng.chance(0.7) ? 'DA_DUYET' : 'TU_CHOI';
    if (decision === 'CHO_DUYET') return;
    rows.push([decision, approver, approverUnit, timestamp(edit + rng.int(1, 2), rng), decision === 'TU_CHOI' ? rng.pick(REFUSALS) : null]);
  });
  return { rows, approved: final === 'DA_DUYET', lastEdit };
}
