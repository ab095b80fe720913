import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadWorkingCalendar, readCalendarYears } from '../../src/calendar/calendar-loader.js';
import { labourCodeYear } from '../../src/calendar/labour-code-holidays.js';
import { solarDateOfLunar } from '../../src/calendar/lunar-calendar.js';
import { addWorkingDays, createWorkingCalendar, vietnamToday, workingDaysBetween } from '../../src/calendar/working-calendar.js';

/**
 * The working-day calendar: the 2025 and 2026 files as announced, the arithmetic of deadlines
 * (Bộ luật Dân sự 2015 Art. 147-148), and the Labour Code fallback for a year without a file.
 */
describe('working-day calendar', function () {
  const calendar = loadWorkingCalendar({ onFallback: (year) => { throw new Error(`unexpected fallback for ${year}`); } });
  /** Monday to Friday and nothing else: what a naive count would give. */
  const weekdaysOnly = createWorkingCalendar({ years: [], fallback: (year) => ({ year, source: 'none', daysOff: [], workingDays: [] }) });

  it('counts 10 working days across Tết Bính Ngọ 2026 (off Sat 14/2 to Sun 22/2)', function () {
    // Mon 9/2 + 10: Tue 10 .. Fri 13 (4), then Mon 23/2 .. Fri 27/2 (9), Mon 2/3 (10).
    expect(addWorkingDays('2026-02-09', 10, calendar)).to.equal('2026-03-02');
    expect(addWorkingDays('2026-02-09', 10, weekdaysOnly)).to.equal('2026-02-23');
    expect(workingDaysBetween('2026-02-09', '2026-03-02', calendar)).to.equal(10);
    for (const d of ['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20']) expect(calendar.isWorkingDay(d), d).to.equal(false);
    expect(calendar.isWorkingDay('2026-02-23')).to.equal(true);
  });

  it('counts a swapped Saturday as a working day and the swapped Friday as a day off (30/4-1/5 2025)', function () {
    // Thu 24/4 + 3: Fri 25/4, Sat 26/4 (worked for Fri 2/5), Mon 28/4.
    expect(addWorkingDays('2025-04-24', 3, calendar)).to.equal('2025-04-28');
    expect(addWorkingDays('2025-04-24', 3, weekdaysOnly)).to.equal('2025-04-29');
    expect(calendar.isWorkingDay('2025-05-02')).to.equal(false);
    // Mon 28/4 + 2: Tue 29/4, then 30/4-4/5 off, Mon 5/5.
    expect(addWorkingDays('2025-04-28', 2, calendar)).to.equal('2025-05-05');
  });

  it('keeps Friday 2/1/2026 off for Tết Dương lịch and works Saturday 10/1 instead (12729/VPCP-KGVX)', function () {
    // Wed 31/12/2025 + 3: 1/1 to 4/1 off, Mon 5/1 .. Wed 7/1.
    expect(addWorkingDays('2025-12-31', 3, calendar)).to.equal('2026-01-07');
    expect(addWorkingDays('2025-12-31', 3, weekdaysOnly)).to.equal('2026-01-05');
    // Fri 9/1 + 1: Sat 10/1, worked.
    expect(addWorkingDays('2026-01-09', 1, calendar)).to.equal('2026-01-10');
  });

  it('counts across Tết Ất Tỵ 2025 with its swapped Monday 27/1 and working Saturday 8/2', function () {
    // Fri 24/1 + 10: Mon 3/2 .. Fri 7/2 (5), Sat 8/2 (6), Mon 10/2 .. Thu 13/2 (10).
    expect(addWorkingDays('2025-01-24', 10, calendar)).to.equal('2025-02-13');
    expect(workingDaysBetween('2025-01-24', '2025-02-13', calendar)).to.equal(10);
  });

  it('compensates Hùng Kings day on Sunday 26/4/2026 with Monday 27/4, and keeps 1/9 and 2/9 2026 off', function () {
    expect(addWorkingDays('2026-04-24', 1, calendar)).to.equal('2026-04-28');
    expect(addWorkingDays('2026-04-29', 1, calendar)).to.equal('2026-05-04');
    expect(addWorkingDays('2026-08-31', 1, calendar)).to.equal('2026-09-03');
  });

  it('moves a 0-day count on a day off to the next working day, and counts backwards as negative', function () {
    expect(addWorkingDays('2026-02-14', 0, calendar)).to.equal('2026-02-23');
    expect(addWorkingDays('2026-02-23', 0, calendar)).to.equal('2026-02-23');
    expect(workingDaysBetween('2026-03-02', '2026-02-09', calendar)).to.equal(-10);
    expect(() => addWorkingDays('2026-02-30', 1, calendar)).to.throw(/not a date/);
    expect(() => addWorkingDays('2026-02-03', -1, calendar)).to.throw(/whole number/);
  });

  it('places the lunar holidays on the days the calendar files name (computed at UTC+7)', function () {
    expect(solarDateOfLunar(1, 1, 2025)).to.equal('2025-01-29');
    expect(solarDateOfLunar(1, 1, 2026)).to.equal('2026-02-17');
    expect(solarDateOfLunar(10, 3, 2025)).to.equal('2025-04-07');
    expect(solarDateOfLunar(10, 3, 2026)).to.equal('2026-04-26');
    // 2007: Vietnam's Tết (UTC+7) was 17 February, China's (UTC+8) the 18th.
    expect(solarDateOfLunar(1, 1, 2007)).to.equal('2007-02-17');
    expect(solarDateOfLunar(1, 1, 2024)).to.equal('2024-02-10');
    expect(solarDateOfLunar(10, 3, 2024)).to.equal('2024-04-18');
  });

  it('falls back to the Labour Code holidays for a year without a file, with a warning once', function () {
    const dir = mkdtempSync(join(tmpdir(), 'calendar-'));
    try {
      const warnings: string[] = [];
      const partial = loadWorkingCalendar({ dir, onFallback: (_year, message) => warnings.push(message) });
      // 2027: Tết 6/2 (Sat); 5/2-9/2 off, the Saturday and Sunday compensated on 10/2 and 11/2.
      expect(addWorkingDays('2027-02-04', 1, partial)).to.equal('2027-02-12');
      expect(partial.isWorkingDay('2027-04-16')).to.equal(false);
      expect(partial.isWorkingDay('2027-05-03')).to.equal(false);
      expect(partial.year(2027).source).to.match(/Art\. 112/);
      expect(warnings).to.have.length(1);
      expect(warnings[0]).to.match(/no working-day calendar for 2027.*Labour Code/);
      expect(labourCodeYear(2027).daysOff.map((d) => d.date)).to.include.members(['2027-02-05', '2027-02-09', '2027-02-10', '2027-02-11']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a calendar file with a weekday as a worked day, a date of another year, or the wrong name', function () {
    const dir = mkdtempSync(join(tmpdir(), 'calendar-'));
    const write = (name: string, body: unknown) => writeFileSync(join(dir, name), JSON.stringify(body));
    const base = { $comment: 'test', year: 2030, daysOff: [], workingDays: [] };
    try {
      write('2030.json', { ...base, workingDays: [{ date: '2030-01-02', name: 'x' }] });
      expect(() => readCalendarYears(dir)).to.throw(/weekday/);
      write('2030.json', { ...base, daysOff: [{ date: '2031-01-01', name: 'x', kind: 'holiday' }] });
      expect(() => readCalendarYears(dir)).to.throw(/not in 2030/);
      write('2030.json', { ...base, year: 2031 });
      expect(() => readCalendarYears(dir)).to.throw(/holds year 2031/);
      write('2030.json', { ...base, daysOff: [{ date: '2030-01-01', name: 'x', kind: 'feast' }] });
      expect(() => readCalendarYears(dir)).to.throw(/calendar\.|must be equal/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes today in Vietnam, UTC+7', function () {
    expect(vietnamToday(new Date('2026-02-13T16:59:59Z'))).to.equal('2026-02-13');
    expect(vietnamToday(new Date('2026-02-13T17:00:00Z'))).to.equal('2026-02-14');
  });
});
