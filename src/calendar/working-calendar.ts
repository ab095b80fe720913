import { CalendarError } from './calendar-error.js';

/**
 * Working days (ngày làm việc): Monday to Friday, minus the public holidays and the days off
 * the government fixes each year, plus the Saturdays it swaps in as working days
 * (../shared/docs/domain.md, "Working days"). A year is data (config/calendar/YYYY.json, read
 * by calendar-loader.ts); a year without data falls back to the Labour Code's fixed holidays
 * (labour-code-holidays.ts), and the calendar says so through `onFallback`. Dates are civil
 * dates written YYYY-MM-DD, never instants: a deadline is a day in Vietnam, whatever the
 * server's time zone. Pure.
 */
export type DayOffKind = 'holiday' | 'compensatory' | 'swapped';

export interface CalendarDay {
  date: string;
  name: string;
}

export interface CalendarYear {
  year: number;
  /** Where the year came from: a file's path, or `Labour Code 2019 Art. 112 (fallback)`. */
  source: string;
  /** Days that are not worked although they may be weekdays: holidays, compensating and swapped days off. */
  daysOff: (CalendarDay & { kind: DayOffKind })[];
  /** Saturdays or Sundays worked in exchange for a swapped day off. */
  workingDays: CalendarDay[];
}

export interface WorkingCalendar {
  isWorkingDay(date: string): boolean;
  /** The year's data, from its file or the fallback. */
  year(year: number): CalendarYear;
}

export interface CalendarOptions {
  years: CalendarYear[];
  /** The data of a year nobody wrote down (the Labour Code's holidays). */
  fallback: (year: number) => CalendarYear;
  /** Told once per year that falls back, so the caller can warn. */
  onFallback?: (year: number) => void;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;
/** A bound on any walk, so a bad argument cannot loop for ever: ~100 years of days. */
const MAX_STEPS = 36_600;

/** Days since 1970-01-01 of a YYYY-MM-DD civil date; refuses anything else. */
export function dayNumber(date: string): number {
  const m = ISO_DATE.exec(date);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) {
    throw new CalendarError('calendar.bad_date', `'${date}' is not a date YYYY-MM-DD`, { status: 400 });
  }
  return ms / DAY_MS;
}

export function dateOfDayNumber(n: number): string {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** True for a well-formed, existing YYYY-MM-DD date. */
export function isIsoDate(value: string): boolean {
  try {
    dayNumber(value);
    return true;
  } catch {
    return false;
  }
}

/** Today's date in Vietnam (UTC+7, no daylight saving), where the deadlines run. */
export function vietnamToday(now: Date): string {
  return new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 10);
}

export function createWorkingCalendar(options: CalendarOptions): WorkingCalendar {
  const known = new Map(options.years.map((y) => [y.year, y]));
  const indexed = new Map<number, { off: Set<string>; on: Set<string> }>();

  function year(y: number): CalendarYear {
    let found = known.get(y);
    if (!found) {
      found = options.fallback(y);
      known.set(y, found);
      options.onFallback?.(y);
    }
    return found;
  }

  function index(y: number): { off: Set<string>; on: Set<string> } {
    let days = indexed.get(y);
    if (!days) {
      const data = year(y);
      days = { off: new Set(data.daysOff.map((d) => d.date)), on: new Set(data.workingDays.map((d) => d.date)) };
      indexed.set(y, days);
    }
    return days;
  }

  return {
    year,
    isWorkingDay(date) {
      const n = dayNumber(date);
      const days = index(Number(date.slice(0, 4)));
      if (days.on.has(date)) return true;
      if (days.off.has(date)) return false;
      const weekday = new Date(n * DAY_MS).getUTCDay();
      return weekday !== 0 && weekday !== 6;
    },
  };
}

/**
 * The n-th working day after `date` (n ≥ 0; `date` itself is not counted, Bộ luật Dân sự 2015
 * Art. 147.1: a period in days starts on the day after the event). With n = 0, `date` when it
 * is a working day, else the next one (Art. 148.5: a period ending on a day off ends on the
 * next working day).
 */
export function addWorkingDays(date: string, n: number, calendar: WorkingCalendar): string {
  if (!Number.isInteger(n) || n < 0) throw new CalendarError('calendar.bad_count', `working days to add must be a whole number >= 0, got ${n}`);
  let day = dayNumber(date);
  let left = n;
  if (left === 0) {
    for (let i = 0; !calendar.isWorkingDay(dateOfDayNumber(day)); i++) {
      if (i > MAX_STEPS) throw new CalendarError('calendar.no_working_day', `no working day after ${date}`);
      day += 1;
    }
    return dateOfDayNumber(day);
  }
  for (let i = 0; left > 0; i++) {
    if (i > MAX_STEPS) throw new CalendarError('calendar.no_working_day', `no working day after ${date}`);
    day += 1;
    if (calendar.isWorkingDay(dateOfDayNumber(day))) left -= 1;
  }
  return dateOfDayNumber(day);
}

/**
 * Working days after `from` up to and including `to`: the inverse of addWorkingDays
 * (workingDaysBetween(d, addWorkingDays(d, n)) = n). Negative when `to` lies before `from`.
 */
export function workingDaysBetween(from: string, to: string, calendar: WorkingCalendar): number {
  const a = dayNumber(from);
  const b = dayNumber(to);
  if (b < a) return -workingDaysBetween(to, from, calendar);
  if (b - a > MAX_STEPS) throw new CalendarError('calendar.bad_range', `${from} to ${to} is longer than the calendar counts`);
  let count = 0;
  for (let day = a + 1; day <= b; day++) if (calendar.isWorkingDay(dateOfDayNumber(day))) count += 1;
  return count;
}

/**
 * Working days between two instants, counted on their dates in Vietnam: for "an approval
 * unaccepted for more than one working day" (NĐ 27/2026: one day to reach the national side).
 */
export function workingDaysBetweenInstants(from: Date, to: Date, calendar: WorkingCalendar): number {
  return workingDaysBetween(vietnamToday(from), vietnamToday(to), calendar);
}
