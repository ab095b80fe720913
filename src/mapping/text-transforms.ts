/**
 * Text transforms of issue 3 §2: vendor text (possibly NFD, capitals, doubled spaces) to the
 * national form ("Unicode NFC, single spaces", official.schema.json hoTen), and the one
 * normalised key every code-list match uses. Pure functions.
 */

/**
 * Characters NFC may change: combining marks and the few precomposed characters that NFC
 * replaces lie outside printable Basic Latin..Spacing Modifiers (U+0020-02FF) and Latin Extended
 * Additional (U+1E00-1EFF), where all of Vietnamese is written. Text without them is
 * already NFC, and skipping String.normalize there halves the cost of mapping a person.
 */
const MAYBE_NOT_NFC = /[^\u0020-\u02ff\u1e00-\u1eff]/;

export function nfc(value: string): string {
  return MAYBE_NOT_NFC.test(value) ? value.normalize('NFC') : value;
}

/** White space to fold: at either end, doubled, or other than a plain space. */
const UNTIDY_SPACE = /^\s|\s$|\s\s|[^\S ]/;

function fold(text: string): string {
  return UNTIDY_SPACE.test(text) ? text.replace(/\s+/g, ' ').trim() : text;
}

/**
 * NFC, trimmed, runs of white space folded to one space; '' when nothing is left.
 * Runs for nearly every vendor value, so the common case (already NFC and tidy) is decided in
 * one pass over the characters instead of two regular expressions. Inside the ranges that
 * MAYBE_NOT_NFC lets through the only white space is U+0020 and U+00A0; anything else, and
 * any untidy space, takes the general path.
 */
export function normaliseText(value: string): string {
  const last = value.length - 1;
  let previousSpace = false;
  for (let i = 0; i <= last; i += 1) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || (c > 0x2ff && (c < 0x1e00 || c > 0x1eff))) return fold(nfc(value));
    if (c === 0x20) {
      if (previousSpace || i === 0 || i === last) return fold(nfc(value));
      previousSpace = true;
    } else if (c === 0xa0) {
      return fold(nfc(value));
    } else {
      previousSpace = false;
    }
  }
  return value;
}

/**
 * A person's name: normalised text, and proper case when the vendor stored it in capitals
 * ('TRẦN  VĂN   BÌNH' -> 'Trần Văn Bình'). Mixed-case names are kept as typed: only the
 * all-capitals form is known to be a data-entry convention, not the person's spelling.
 */
export function normaliseName(value: string): string {
  const text = normaliseText(value);
  const hasLetters = /\p{L}/u.test(text);
  if (!hasLetters || text !== text.toUpperCase()) return text;
  return text
    .toLowerCase()
    .split(' ')
    .map((word) => (word.length === 0 ? word : word.charAt(0).toUpperCase() + word.slice(1)))
    .join(' ');
}

/**
 * The key two spellings of one code-list name share: NFC, lower case, hyphens as spaces,
 * white space folded (issue 3 §1: "NFC, case, spacing and hyphens folded"). Diacritics are
 * kept: 'Giẻ-Triêng' and 'Gié-Triêng' stay different and need an explicit synonym.
 */
export function codeKey(value: string): string {
  return nfc(value)
    .toLowerCase()
    .replace(/[-\u2010-\u2015]/gu, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
}

/**
 * A Vietnamese phone number as the national pattern wants it, `0xxxxxxxxx`: separators
 * dropped, the country prefix (+84, 84, 0084) replaced by 0. Undefined when the digits do not
 * make such a number.
 */
export function normalisePhone(value: string): string | undefined {
  let digits = value.replace(/[\s.\-()/]/gu, '');
  if (digits.startsWith('+84')) digits = `0${digits.slice(3)}`;
  else if (digits.startsWith('0084')) digits = `0${digits.slice(4)}`;
  else if (digits.startsWith('84') && digits.length === 11) digits = `0${digits.slice(2)}`;
  return /^0[0-9]{9}$/u.test(digits) ? digits : undefined;
}

/**
 * A vendor value with its separators taken out before a pattern is checked: NFKC first (a
 * full-width '０' is a '0', a no-break space a space), then either the listed `characters`
 * removed, or only digits (`keep: 'digits'`) or letters and digits (`'alphanumeric'`) kept:
 * '0010-8500-1234' and '001 085 001 234' both give '001085001234'.
 */
export function stripCharacters(value: string, option: { characters?: string; keep?: 'digits' | 'alphanumeric' }): string {
  const text = value.normalize('NFKC');
  if (option.keep === 'digits') return text.replace(/[^0-9]/gu, '');
  if (option.keep === 'alphanumeric') return text.replace(/[^\p{L}\p{N}]/gu, '');
  const drop = new Set(option.characters ?? ' -./_');
  let out = '';
  for (const c of text) if (!drop.has(c)) out += c;
  return out;
}

/** Upper, lower or title case (each word's first letter), on NFC text, Vietnamese letters included. */
export function changeCase(value: string, to: 'upper' | 'lower' | 'title'): string {
  const text = nfc(value);
  if (to === 'upper') return text.toUpperCase();
  if (to === 'lower') return text.toLowerCase();
  return text.toLowerCase().replace(/(^|[\s\-(])(\p{L})/gu, (_m, before: string, letter: string) => before + letter.toUpperCase());
}
