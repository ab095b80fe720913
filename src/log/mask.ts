/**
 * Personal numbers (CCCD/CMND, BHXH, phone) are never logged in full (Luật 91/2025/QH15):
 * all but the last 3 digits are masked. Values of known keys are masked whatever they hold;
 * inside free text, digit runs of 9-12 digits and phone-shaped numbers are masked. A run that
 * is part of a word or a hyphenated id (a UUID's last group) is left alone.
 */
const SENSITIVE_KEY = /cccd|cmnd|dinh_?danh|bhxh|phone|dien_?thoai|so_?dien/i;
const DIGIT_RUN = /(?<![\w-])\d{9,12}(?![\w-])/g;
const PHONE = /(?<![\w-])(?:\+84|0)(?:[ .-]?\d){8,10}(?![\w-])/g;

export function maskDigits(value: string): string {
  const digits = value.replace(/\D/g, '');
  if (digits.length <= 3) return '*'.repeat(digits.length);
  return `${'*'.repeat(digits.length - 3)}${digits.slice(-3)}`;
}

export function maskText(text: string): string {
  return text.replace(PHONE, (m) => maskDigits(m)).replace(DIGIT_RUN, (m) => maskDigits(m));
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
