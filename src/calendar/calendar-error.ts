import { CodedError } from '../errors.js';

/**
 * The working calendar refusing: `calendar.bad_date` (400, not a YYYY-MM-DD date),
 * `calendar.bad_count` (a negative or fractional number of working days),
 * `calendar.bad_range` (a span longer than the calendar counts), `calendar.no_working_day`
 * (no working day within the walk's bound), `calendar.file_invalid` (a holiday file that does
 * not match its schema), `calendar.dir_unreadable` (the calendar folder cannot be read).
 */
export type CalendarErrorCode =
  | 'calendar.bad_date'
  | 'calendar.bad_count'
  | 'calendar.bad_range'
  | 'calendar.no_working_day'
  | 'calendar.file_invalid'
  | 'calendar.dir_unreadable';

export class CalendarError extends CodedError<CalendarErrorCode> {}
