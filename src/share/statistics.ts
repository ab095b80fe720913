import type { FieldGroup } from './field-filter.js';
import type { StatisticsDimension, StatisticsRow } from './shared-record-store.js';

/**
 * Disclosure control for /share/v1/statistics, as statistical offices do it: a count below
 * the threshold (SHARE_STATISTICS_MIN_CELL, default 5) is not shown (`count: null,
 * suppressed: true`), because a cell of 1 or 2 tells something about identifiable people.
 * When exactly one cell is suppressed, the smallest other cell is suppressed too, or the total
 * would give the first away; a total under the threshold is not shown either. Each dimension
 * tells the field group it comes from, which a grant must give. Pure.
 */
export const DEFAULT_MIN_CELL = 5;

export const DIMENSION_GROUP: Readonly<Record<StatisticsDimension, FieldGroup>> = {
  ngach: 'salary',
  chucDanhNgheNghiep: 'salary',
  viTriViecLam: 'employment',
  loaiNhanSu: 'employment',
  donVi: 'employment',
};

export interface StatisticsCell {
  ma: string | null;
  ten?: string;
  count: number | null;
  suppressed?: true;
}

export function suppressSmallCells(rows: StatisticsRow[], minCell: number): { total: number | null; counts: StatisticsCell[]; suppressed: number } {
  const total = rows.reduce((n, r) => n + r.count, 0);
  const hidden = new Set(rows.map((r, i) => (r.count < minCell ? i : -1)).filter((i) => i >= 0));
  if (hidden.size === 1 && rows.length > 1) {
    let smallest = -1;
    rows.forEach((r, i) => {
      if (!hidden.has(i) && (smallest < 0 || r.count < rows[smallest]!.count)) smallest = i;
    });
    if (smallest >= 0) hidden.add(smallest);
  }
  const counts = rows.map((r, i): StatisticsCell => (hidden.has(i)
    ? { ma: r.ma, ...(r.ten ? { ten: r.ten } : {}), count: null, suppressed: true }
    : { ma: r.ma, ...(r.ten ? { ten: r.ten } : {}), count: r.count }));
  return { total: total < minCell ? null : total, counts, suppressed: hidden.size };
}
