import type { CodeList } from '../contract/national-contract.js';

/**
 * Suggestions for a vendor value no synonym or code matches (`mapping gaps`): the national
 * items ranked by a similarity of normalised names. Both sides are folded (case, diacritics,
 * punctuation), their words expanded with the usual abbreviations (mappings/abbreviations.json:
 * LLCT, QLNN, ĐH, ThS, HTXSNV...), and the words of the list's own title dropped ('Trung cấp
 * LLCT' in "Trình độ lý luận chính trị" is 'trung cap'). A suggestion is only ever shown: a
 * value matches only through a synonym an operator adds. Pure.
 */
export interface Suggestion {
  code: string;
  ten: string;
  /** 0..1, two decimals. */
  score: number;
}

/** Abbreviation or variant spelling -> what it stands for, as written in the data file. */
export type Abbreviations = Readonly<Record<string, string>>;

/** Scores below this say nothing useful about the value. */
const MIN_SCORE = 0.3;

/** Lower case, no diacritics (đ -> d), words of letters and digits only. */
export function foldWords(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/gu, 'd')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

function expander(abbreviations: Abbreviations): (text: string) => string[] {
  const table = new Map<string, string[]>();
  for (const [short, long] of Object.entries(abbreviations)) {
    const key = foldWords(short).join(' ');
    if (key !== '') table.set(key, foldWords(long));
  }
  return (text) => foldWords(text).flatMap((w) => table.get(w) ?? [w]);
}

function bigrams(words: string[]): Map<string, number> {
  const text = ` ${words.join(' ')} `;
  const grams = new Map<string, number>();
  for (let i = 0; i < text.length - 1; i += 1) {
    const g = text.slice(i, i + 2);
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  return grams;
}

function bigramDice(a: string[], b: string[]): number {
  const ga = bigrams(a);
  const gb = bigrams(b);
  let shared = 0;
  let total = 0;
  for (const [g, n] of ga) {
    shared += Math.min(n, gb.get(g) ?? 0);
    total += n;
  }
  for (const n of gb.values()) total += n;
  return total === 0 ? 0 : (2 * shared) / total;
}

/**
 * Word overlap against the shorter side (a value holding every word of a name scores high),
 * word Dice (the same words, nothing more, scores highest), letter pairs (typing slips), and
 * whether the shorter side's words stand together in the longer.
 */
export function similarity(a: string[], b: string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  // The same letters split differently ('Ede', 'Ê-đê'; 'Thanh Hoa', 'Thanhhoa').
  if (a.join('') === b.join('')) return a.length === b.length ? 1 : 0.95;
  const sa = new Set(a);
  const sb = new Set(b);
  let common = 0;
  for (const w of sa) if (sb.has(w)) common += 1;
  const overlap = common / Math.min(sa.size, sb.size);
  const dice = (2 * common) / (sa.size + sb.size);
  // Words in the same order, side by side ('cao cap' in 'cao cap he tap trung', where 'trung
  // cap' is only scattered) break ties between names sharing the same words.
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  const together = ` ${long.join(' ')} `.includes(` ${short.join(' ')} `) ? 0.05 : 0;
  return Math.min(1, 0.45 * overlap + 0.35 * dice + 0.15 * bigramDice(a, b) + together);
}

export interface SynonymSuggester {
  suggest(value: string, max?: number): Suggestion[];
}

export function createSuggester(list: CodeList, abbreviations: Abbreviations): SynonymSuggester {
  const expand = expander(abbreviations);
  const titleWords = new Set(expand(list.title));
  const withoutTitle = (words: string[]): string[] => {
    const kept = words.filter((w) => !titleWords.has(w));
    return kept.length > 0 ? kept : words;
  };
  // Each item is known by its name and by its code (HTXSNV, THS, CVC are codes and the
  // abbreviations clerks type).
  const candidates = list.items.map((item) => ({
    item,
    forms: [item.ten, item.ma].map((t) => withoutTitle(expand(t))),
  }));
  return {
    suggest(value, max = 3) {
      const words = withoutTitle(expand(value));
      return candidates
        .map(({ item, forms }) => ({ code: item.ma, ten: item.ten, score: Math.max(...forms.map((f) => similarity(words, f))) }))
        .filter((s) => s.score >= MIN_SCORE)
        .sort((x, y) => y.score - x.score || x.code.localeCompare(y.code))
        .slice(0, max)
        .map((s) => ({ ...s, score: Math.round(s.score * 100) / 100 }));
    },
  };
}
