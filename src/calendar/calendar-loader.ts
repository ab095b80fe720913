import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { paths } from '../paths.js';
import { labourCodeYear } from './labour-code-holidays.js';
import { CalendarError } from './calendar-error.js';
import { createWorkingCalendar, dayNumber, type CalendarYear, type WorkingCalendar } from './working-calendar.js';

/**
 * Reads the working-day calendar kept as data: one file per year, `config/calendar/YYYY.json`,
 * as the government announced it ($comment names the decision). Every file is checked at
 * load (shape, year, dates inside the year, worked days on a weekend, no date twice), so a
 * typo fails at start-up, not in a deadline. A year with no file falls back to the Labour
 * Code's holidays and `onFallback` is told, once per year.
 */
export const CALENDAR_DIR = join(paths.root, 'config', 'calendar');

const day = {
  type: 'object',
  additionalProperties: false,
  required: ['date', 'name'],
  properties: { date: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' }, name: { type: 'string', minLength: 1 } },
};

const yearSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['$comment', 'year', 'daysOff', 'workingDays'],
  properties: {
    $comment: { type: 'string', minLength: 1 },
    year: { type: 'integer', minimum: 1970, maximum: 2200 },
    daysOff: {
      type: 'array',
      items: { ...day, required: ['date', 'name', 'kind'], properties: { ...day.properties, kind: { enum: ['holiday', 'compensatory', 'swapped'] } } },
    },
    workingDays: { type: 'array', items: day },
  },
};

const validate = new Ajv2019({ allErrors: true, strict: false }).compile<Omit<CalendarYear, 'source'>>(yearSchema);

function refuse(file: string, message: string): CalendarError {
  return new CalendarError('calendar.file_invalid', `calendar ${file}: ${message}`);
}

/** One year's file checked; `file` names it in every message. */
export function parseCalendarYear(json: unknown, file: string): CalendarYear {
  if (!validate(json)) {
    const why = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`).join('; ');
    throw refuse(file, why);
  }
  const seen = new Set<string>();
  for (const d of [...json.daysOff, ...json.workingDays]) {
    let n: number;
    try {
      n = dayNumber(d.date);
    } catch {
      throw refuse(file, `${d.date} is not a date`);
    }
    if (!d.date.startsWith(`${json.year}-`)) throw refuse(file, `${d.date} is not in ${json.year}`);
    if (seen.has(d.date)) throw refuse(file, `${d.date} is listed twice`);
    seen.add(d.date);
    const weekday = new Date(n * 86_400_000).getUTCDay();
    if (json.workingDays.includes(d as CalendarYear['workingDays'][number]) && weekday !== 0 && weekday !== 6) {
      throw refuse(file, `${d.date} is a weekday: only a Saturday or Sunday can be a swapped working day`);
    }
  }
  return { year: json.year, source: file, daysOff: json.daysOff, workingDays: json.workingDays };
}

export function readCalendarYears(dir: string = CALENDAR_DIR): CalendarYear[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.json')).sort();
  } catch (err) {
    throw new CalendarError('calendar.dir_unreadable', `cannot read the calendar folder ${dir}: ${(err as Error).message}`, { cause: err });
  }
  return names.map((name) => {
    const file = join(dir, name);
    if (!/^[0-9]{4}\.json$/.test(name)) throw refuse(file, 'a calendar file is named YYYY.json');
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw refuse(file, `not readable JSON: ${(err as Error).message}`);
    }
    const year = parseCalendarYear(json, file);
    if (String(year.year) !== name.slice(0, 4)) throw refuse(file, `holds year ${year.year}`);
    return year;
  });
}

export interface LoadCalendarOptions {
  dir?: string;
  /** Told when a year has no file and the Labour Code's holidays stand in for it. */
  onFallback?: (year: number, message: string) => void;
}

export function loadWorkingCalendar(options: LoadCalendarOptions = {}): WorkingCalendar {
  const dir = options.dir ?? CALENDAR_DIR;
  return createWorkingCalendar({
    years: readCalendarYears(dir),
    fallback: labourCodeYear,
    onFallback: (year) => options.onFallback?.(
      year,
      `no working-day calendar for ${year} in ${dir}: using the Labour Code's fixed holidays (Art. 112), without the ` +
        `government's swapped days; add config/calendar/${year}.json from the year's announcement`,
    ),
  });
}
