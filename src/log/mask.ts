/**
 * Personal numbers (CCCD/CMND, BHXH, phone) are never logged in full (Luật 91/2025/QH15):
 * all but the last 3 digits are masked. Values of known keys are masked whatever they hold.
 * Inside free text, any run of 9 or more digits is masked, also when written in groups
 * ('001 089 012 345', '0912.345.678', '+84 912 345 678') or inside a file name
 * ('hs_001089012345.xml'), unless glued to a letter. UUIDs are left whole: they are ids of work, not of people.
 */
const SENSITIVE_KEY = /cccd|cmnd|dinh_?danh|bhxh|phone|dien_?thoai|so_?dien/i;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/**
 * Digits, possibly in groups joined by one space, dot or hyphen, with an optional +84, not
 * glued to a letter (a code such as 'H62001234567X' is not a personal number; '_' and '.'
 * around a number, as in a file name, do not protect it).
 */
const NUMBER = /(?<![\p{L}\d])(?:\+84[ .-]?)?\d+(?:[ .-]\d+)*(?![\p{L}\d])/gu;

export function maskDigits(value: string): string {
  const digits = value.replace(/\D/g, '');
  if (digits.length <= 3) return '*'.repeat(digits.length);
  return `${'*'.repeat(digits.length - 3)}${digits.slice(-3)}`;
}

function maskNumbers(text: string): string {
  return text.replace(NUMBER, (m) => {
    const digits = m.replace(/\D/g, '').length;
    // Dates and times ('2026-10-21', '09:11') have short groups and few digits; a personal
    // number has at least 9 digits in all.
    if (digits < 9 || /^\d{4}-\d{2}-\d{2}/.test(m)) return m;
    return maskDigits(m);
  });
}

/** A digit written percent-encoded ('%30' to '%39'), as a URL may carry it: masked as the digit it decodes to. */
const ENCODED_DIGIT = /%3([0-9])/gi;

export function maskText(raw: string): string {
  // Mask what a router decodes, not what it receives: '0261850%30%31234' is a number too.
  const text = raw.includes('%') ? raw.replace(ENCODED_DIGIT, '$1') : raw;
  let out = '';
  let last = 0;
  for (const match of text.matchAll(UUID)) {
    out += maskNumbers(text.slice(last, match.index)) + match[0];
    last = match.index + match[0].length;
  }
  return out + maskNumbers(text.slice(last));
}

/** A deep copy of `value` with personal numbers masked. Plain data only; cycles are cut. */
export function maskPersonalData(value: unknown, key = '', seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return SENSITIVE_KEY.test(key) ? maskDigits(value) : maskText(value);
  if (typeof value === 'number' && SENSITIVE_KEY.test(key)) return maskDigits(String(value));
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => maskPersonalData(v, key, seen));
  if (value instanceof Error) return { name: value.name, message: maskText(value.message) };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = maskPersonalData(v, k, seen);
  return out;
}
