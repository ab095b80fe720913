/**
 * The Vietnamese lunar calendar, computed: the astronomical algorithm Hồ Ngọc Đức published
 * for the Vietnamese calendar ("Âm lịch Việt Nam", after Meeus, Astronomical Algorithms, ch.
 * 47-49): new moons and the sun's longitude at the UTC+7 meridian, month 11 holding the
 * winter solstice, a leap month being the first month without a major solar term. Vietnam
 * has used UTC+7 for its calendar since 1968, which is why some years differ from China's.
 * Used only for the Labour Code's fallback holidays (Tết, Hùng Kings' day) of a year that has
 * no calendar file; the government's announced calendar always wins. Pure.
 */
const TIME_ZONE = 7;
const SYNODIC_MONTH = 29.530588853;
const JD_1900 = 2415021.076998695;

const int = Math.floor;

/** Julian day number of a Gregorian date. */
export function julianDay(day: number, month: number, year: number): number {
  const a = int((14 - month) / 12);
  const y = year + 4800 - a;
  const m = month + 12 * a - 3;
  return day + int((153 * m + 2) / 5) + 365 * y + int(y / 4) - int(y / 100) + int(y / 400) - 32045;
}

/** The Gregorian date of a Julian day number, as YYYY-MM-DD. */
export function dateOfJulianDay(jd: number): string {
  const a = jd + 32044;
  const b = int((4 * a + 3) / 146097);
  const c = a - int((b * 146097) / 4);
  const d = int((4 * c + 3) / 1461);
  const e = c - int((1461 * d) / 4);
  const m = int((5 * e + 2) / 153);
  const day = e - int((153 * m + 2) / 5) + 1;
  const month = m + 3 - 12 * int(m / 10);
  const year = b * 100 + d - 4800 + int(m / 10);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Julian date (fractional, TT-corrected) of the k-th new moon after 1900-01-01 (Meeus ch. 49, shortened). */
function newMoon(k: number): number {
  const t = k / 1236.85;
  const t2 = t * t;
  const t3 = t2 * t;
  const dr = Math.PI / 180;
  let jd1 = 2415020.75933 + 29.53058868 * k + 0.0001178 * t2 - 0.000000155 * t3;
  jd1 += 0.00033 * Math.sin((166.56 + 132.87 * t - 0.009173 * t2) * dr);
  const m = 359.2242 + 29.10535608 * k - 0.0000333 * t2 - 0.00000347 * t3;
  const mpr = 306.0253 + 385.81691806 * k + 0.0107306 * t2 + 0.00001236 * t3;
  const f = 21.2964 + 390.67050646 * k - 0.0016528 * t2 - 0.00000239 * t3;
  let c1 = (0.1734 - 0.000393 * t) * Math.sin(m * dr) + 0.0021 * Math.sin(2 * dr * m);
  c1 = c1 - 0.4068 * Math.sin(mpr * dr) + 0.0161 * Math.sin(dr * 2 * mpr);
  c1 -= 0.0004 * Math.sin(dr * 3 * mpr);
  c1 = c1 + 0.0104 * Math.sin(dr * 2 * f) - 0.0051 * Math.sin(dr * (m + mpr));
  c1 = c1 - 0.0074 * Math.sin(dr * (m - mpr)) + 0.0004 * Math.sin(dr * (2 * f + m));
  c1 = c1 - 0.0004 * Math.sin(dr * (2 * f - m)) - 0.0006 * Math.sin(dr * (2 * f + mpr));
  c1 = c1 + 0.001 * Math.sin(dr * (2 * f - mpr)) + 0.0005 * Math.sin(dr * (2 * mpr + m));
  const deltaT = t < -11
    ? 0.001 + 0.000839 * t + 0.0002261 * t2 - 0.00000845 * t3 - 0.000000081 * t * t3
    : -0.000278 + 0.000265 * t + 0.000262 * t2;
  return jd1 + c1 - deltaT;
}

/** The sun's apparent longitude in radians, [0, 2π), at a Julian date. */
function sunLongitude(jdn: number): number {
  const t = (jdn - 2451545.0) / 36525;
  const t2 = t * t;
  const dr = Math.PI / 180;
  const m = 357.5291 + 35999.0503 * t - 0.0001559 * t2 - 0.00000048 * t * t2;
  const l0 = 280.46645 + 36000.76983 * t + 0.0003032 * t2;
  let dl = (1.9146 - 0.004817 * t - 0.000014 * t2) * Math.sin(dr * m);
  dl = dl + (0.019993 - 0.000101 * t) * Math.sin(dr * 2 * m) + 0.00029 * Math.sin(dr * 3 * m);
  const l = (l0 + dl) * dr;
  return l - Math.PI * 2 * int(l / (Math.PI * 2));
}

/** Which of the 12 major solar terms (0-11) the sun is in at the start of a local day. */
function solarTerm(dayNumber: number): number {
  return int((sunLongitude(dayNumber - 0.5 - TIME_ZONE / 24) / Math.PI) * 6);
}

function newMoonDay(k: number): number {
  return int(newMoon(k) + 0.5 + TIME_ZONE / 24);
}

/** The first day of lunar month 11 (the month holding the winter solstice) of a year. */
function month11(year: number): number {
  const off = julianDay(31, 12, year) - 2415021;
  const k = int(off / SYNODIC_MONTH);
  const nm = newMoonDay(k);
  return solarTerm(nm) >= 9 ? newMoonDay(k - 1) : nm;
}

function leapMonthOffset(a11: number): number {
  const k = int((a11 - JD_1900) / SYNODIC_MONTH + 0.5);
  let i = 1;
  let arc = solarTerm(newMoonDay(k + i));
  let last: number;
  do {
    last = arc;
    i += 1;
    arc = solarTerm(newMoonDay(k + i));
  } while (arc !== last && i < 14);
  return i - 1;
}

/** The Gregorian date (YYYY-MM-DD) of a day of a (non-leap) lunar month of a lunar year. */
export function solarDateOfLunar(day: number, month: number, lunarYear: number): string {
  const [a11, b11] = month < 11 ? [month11(lunarYear - 1), month11(lunarYear)] : [month11(lunarYear), month11(lunarYear + 1)];
  const k = int(0.5 + (a11 - JD_1900) / SYNODIC_MONTH);
  let off = month - 11;
  if (off < 0) off += 12;
  // A year of 13 months: months from the leap month on come one later.
  if (b11 - a11 > 365 && off >= leapMonthOffset(a11)) off += 1;
  return dateOfJulianDay(newMoonDay(k + off) + day - 1);
}
