/**
 * Dates between the vendor's text forms and the national ISO forms (issue 3 §2).
 * The vendor writes 'dd/mm/yyyy', 'mm/yyyy' or 'yyyy', with '00' for an unknown day or month
 * (schema.sql quirks); date columns arrive as ISO 'yyyy-mm-dd'. The national side takes a full
 * date, or a partial 'YYYY-MM' / 'YYYY' where the schema allows it (ngaySinh, periods).
 */
export type DatePrecision = 'any' | 'day' | 'month' | 'year';
export type VendorDateStyle = 'dmy' | 'my' | 'iso';

const VENDOR = /^(?:(\d{1,2})\/)?(?:(\d{1,2})\/)?(\d{4})$/u;
const ISO = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T.*)?$/u;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in a month (1-12) of the proleptic Gregorian calendar, without a Date per call. */
function daysIn(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Parts of a date; 0 for an unknown day or month. Undefined when not a date. */
function parts(text: string): [number, number, number] | undefined {
  const trimmed = text.trim();
  let year: number;
  let month = 0;
  let day = 0;
  const iso = ISO.exec(trimmed);
  const vendor = iso ? undefined : VENDOR.exec(trimmed);
  if (iso) {
    year = Number(iso[1]);
    month = iso[2] === undefined ? 0 : Number(iso[2]);
    day = iso[3] === undefined ? 0 : Number(iso[3]);
  } else if (vendor) {
    year = Number(vendor[3]);
    // 'mm/yyyy' has its single leading group as the month; 'dd/mm/yyyy' has both.
    if (vendor[2] !== undefined) {
      day = Number(vendor[1]);
      month = Number(vendor[2]);
    } else if (vendor[1] !== undefined) {
      month = Number(vendor[1]);
    }
  } else {
    return undefined;
  }
  if (year < 1800 || year > 2200 || month > 12) return undefined;
  if (month === 0 && day !== 0) return undefined;
  if (day > 0 && day > daysIn(year, month)) return undefined;
  return [year, month, day];
}

/**
 * Vendor or ISO date text to an ISO date, full or partial. `precision` 'month' drops a known
 * day (history periods are months), 'year' keeps the year alone (a vendor's year-only column
 * stored as a DATE '1985-01-01'), 'day' refuses a partial date (schema `format: date`).
 */
export function parseVendorDate(text: string, precision: DatePrecision = 'any'): string | undefined {
  const p = parts(text);
  if (!p) return undefined;
  const [year, month, day] = p;
  if (precision === 'day' && (month === 0 || day === 0)) return undefined;
  if (month === 0 || precision === 'year') return String(year);
  if (day === 0 || precision === 'month') return `${year}-${pad(month)}`;
  return `${year}-${pad(month)}-${pad(day)}`;
}

/**
 * An ISO date, full or partial, back to the vendor's text: 'dmy' writes 'dd/mm/yyyy' with '00'
 * for unknown parts (ngay_sinh), 'my' writes 'mm/yyyy' or 'yyyy' (history periods), 'iso'
 * keeps the ISO text (date columns).
 */
export function toVendorDate(iso: string, style: VendorDateStyle): string | undefined {
  const p = parts(iso);
  if (!p || !ISO.test(iso.trim())) return undefined;
  const [year, month, day] = p;
  if (style === 'iso') return parseVendorDate(iso);
  if (style === 'my') return month === 0 ? String(year) : `${pad(month)}/${year}`;
  return `${pad(day)}/${pad(month)}/${year}`;
}

/**
 * A precision as a vendor column states it (`precisionFrom`): 'year', 'month' or 'day', in any
 * case; a vendor's own codes are turned into these with `replace` first. Undefined otherwise.
 */
export function statedPrecision(value: string): Exclude<DatePrecision, 'any'> | undefined {
  const v = value.trim().toLowerCase();
  return v === 'year' || v === 'month' || v === 'day' ? v : undefined;
}
