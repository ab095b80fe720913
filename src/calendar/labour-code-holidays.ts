import { solarDateOfLunar } from './lunar-calendar.js';
import { dateOfDayNumber, dayNumber, type CalendarYear, type DayOffKind } from './working-calendar.js';

/**
 * A year nobody has written a calendar file for: the public holidays of Bộ luật Lao động 2019,
 * Art. 112.1, with the compensating days of Art. 111.3. The government announces each year
 * which days around Tết and 2 September are off and which Saturdays are swapped; this fallback
 * cannot know that, so it takes one fixed choice and the calendar warns that it is in use:
 * - Tết Dương lịch: 1 January;
 * - Tết Âm lịch (5 days): the last day of the old lunar year and days 1-4 of the new one
 *   (the split most announcements used), dates computed (lunar-calendar.ts);
 * - Giỗ Tổ Hùng Vương: the 10th day of the 3rd lunar month, computed;
 * - Ngày Chiến thắng 30 April and Quốc tế Lao động 1 May;
 * - Quốc khánh: 2 September and the day before (Art. 112.1.đ lets the Prime Minister pick the
 *   day before or after; 1 September is the fallback's choice);
 * - a holiday on a Saturday or Sunday (the weekly rest days of civil servants) gives a
 *   compensating day off on the next working day (Art. 111.3).
 * Pure.
 */
export const FALLBACK_SOURCE = 'Bộ luật Lao động 2019 Art. 112 (fallback: no calendar file for this year)';

function isWeekend(day: number): boolean {
  const weekday = new Date(day * 86_400_000).getUTCDay();
  return weekday === 0 || weekday === 6;
}

export function labourCodeYear(year: number): CalendarYear {
  const y = String(year).padStart(4, '0');
  const tet = dayNumber(solarDateOfLunar(1, 1, year));
  const holidays: { day: number; name: string }[] = [
    { day: dayNumber(`${y}-01-01`), name: 'Tết Dương lịch' },
    { day: tet - 1, name: 'Tết Âm lịch (ngày cuối năm)' },
    ...[0, 1, 2, 3].map((i) => ({ day: tet + i, name: `Tết Âm lịch (mùng ${i + 1})` })),
    { day: dayNumber(solarDateOfLunar(10, 3, year)), name: 'Giỗ Tổ Hùng Vương (10/3 âm lịch)' },
    { day: dayNumber(`${y}-04-30`), name: 'Ngày Chiến thắng' },
    { day: dayNumber(`${y}-05-01`), name: 'Ngày Quốc tế Lao động' },
    { day: dayNumber(`${y}-09-01`), name: 'Quốc khánh (ngày liền kề)' },
    { day: dayNumber(`${y}-09-02`), name: 'Quốc khánh' },
  ];
  const taken = new Set(holidays.map((h) => h.day));
  const daysOff: CalendarYear['daysOff'] = holidays.map((h) => ({ date: dateOfDayNumber(h.day), name: h.name, kind: 'holiday' as DayOffKind }));
  for (const h of holidays) {
    if (!isWeekend(h.day)) continue;
    let day = h.day + 1;
    while (isWeekend(day) || taken.has(day)) day += 1;
    taken.add(day);
    daysOff.push({ date: dateOfDayNumber(day), name: `nghỉ bù ${h.name}`, kind: 'compensatory' });
  }
  daysOff.sort((a, b) => a.date.localeCompare(b.date));
  return { year, source: FALLBACK_SOURCE, daysOff, workingDays: [] };
}
